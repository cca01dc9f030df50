"""An exit records where the person went and, apart, why the stay ended; a transfer its reason.

Until now "Exclusion" and "Départ volontaire" were exit destinations, beside "Retour à la rue".
They are reasons: an exclusion or a voluntary departure can lead anywhere. The existing exits are
mapped once, here (the history triggers record the change of each row):

| old destination                                  | destination  | reason             |
|--------------------------------------------------|--------------|--------------------|
| exclusion                                        | unknown      | exclusion          |
| voluntary (départ volontaire)                    | unknown      | voluntary          |
| death                                            | death        | death              |
| housing, CHRS, CHU, other hotel, LHSS/LAM/ACT,   | (unchanged)  | move_on            |
| addiction care, family or friends                |              |                    |
| street, hospital, psychiatric hospital, prison,  | (unchanged)  | unknown            |
| unknown                                          |              |                    |
| transfer                                         | transfer     | transfer reason    |
|                                                  |              | "not_recorded"     |

Why: where the old value said only the reason (exclusion, voluntary departure), where the person
went was never recorded, so the destination is "unknown" — not "street", which nobody wrote.
"Retour à la rue" is a destination: it stays one, and its reason is "unknown" (a departure
without notice, an exclusion or an eviction all ended there; the comment may say which). A
move-on destination says the stay ended because a solution was found. Hospital and prison say
where, not why. The reports keep their figures: the exits, the exclusions (now counted by reason),
the deaths and the share to mainstream housing are the same before and after (see
reports/tests/test_exit_reasons.py); the table of exits by destination shows the former
"exclusion" and "voluntary departure" rows under "unknown", and a table by reason beside it.

Backwards, the reason goes back into the destination where it was taken from it.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

# A frozen copy of placements.models.OLD_EXIT_DESTINATIONS and implied_exit_reason().
REASON_ONLY = {"exclusion": "exclusion", "voluntary": "voluntary"}
MOVE_ON = {
    "social_housing",
    "private_housing",
    "intermediate",
    "chrs",
    "chu",
    "other_hotel",
    "medico_social",
    "addiction_care",
    "family_friends",
}


def split_destination_and_reason(apps, schema_editor):
    Placement = apps.get_model("placements", "Placement")
    ended = Placement.objects.filter(end__isnull=False)
    for old, reason in REASON_ONLY.items():
        ended.filter(exit_destination=old).update(exit_destination="unknown", exit_reason=reason)
    ended.filter(exit_destination="death").update(exit_reason="death")
    ended.filter(exit_destination__in=MOVE_ON).update(exit_reason="move_on")
    ended.filter(exit_destination="transfer").update(transfer_reason="not_recorded")
    ended.filter(exit_reason="", transfer_reason="").update(exit_reason="unknown")


def merge_reason_into_destination(apps, schema_editor):
    Placement = apps.get_model("placements", "Placement")
    for old, reason in REASON_ONLY.items():
        Placement.objects.filter(exit_destination="unknown", exit_reason=reason).update(
            exit_destination=old
        )
    Placement.objects.update(exit_reason="", transfer_reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0003_incident_dates_default_to_paris_today"),
        ("residents", "0005_access_log_moves_to_privacy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="placement",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="placement",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="placement",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="placement",
            name="exit_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("move_on", "Move-on to a solution (housing, shelter, care)"),
                    ("voluntary", "Voluntary departure"),
                    ("exclusion", "Exclusion"),
                    ("death", "Death"),
                    ("other", "Other reason"),
                    ("unknown", "Reason not known"),
                ],
                max_length=12,
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="transfer_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("request", "At the person's request"),
                    ("suited", "A place better suited (health, mobility, couple)"),
                    ("incident", "Incident or conflict at the hotel"),
                    ("hotel", "The hotel's decision"),
                    ("works", "Works or damage in the room"),
                    ("other", "Other reason"),
                    ("not_recorded", "Not recorded (transfer made before the reason was asked)"),
                ],
                max_length=12,
                verbose_name="transfer reason",
            ),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="exit_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("move_on", "Move-on to a solution (housing, shelter, care)"),
                    ("voluntary", "Voluntary departure"),
                    ("exclusion", "Exclusion"),
                    ("death", "Death"),
                    ("other", "Other reason"),
                    ("unknown", "Reason not known"),
                ],
                max_length=12,
                verbose_name="exit reason",
            ),
        ),
        migrations.AddField(
            model_name="placementevent",
            name="transfer_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("request", "At the person's request"),
                    ("suited", "A place better suited (health, mobility, couple)"),
                    ("incident", "Incident or conflict at the hotel"),
                    ("hotel", "The hotel's decision"),
                    ("works", "Works or damage in the room"),
                    ("other", "Other reason"),
                    ("not_recorded", "Not recorded (transfer made before the reason was asked)"),
                ],
                max_length=12,
                verbose_name="transfer reason",
            ),
        ),
        migrations.AlterField(
            model_name="placement",
            name="exit_destination",
            field=models.CharField(
                blank=True,
                choices=[
                    ("social_housing", "Social housing"),
                    ("private_housing", "Private housing"),
                    (
                        "intermediate",
                        "Intermediate housing (pension de famille, résidence sociale)",
                    ),
                    ("chrs", "CHRS"),
                    ("chu", "Emergency or stabilisation shelter (CHU)"),
                    ("other_hotel", "Another hotel"),
                    ("medico_social", "LHSS / LAM / ACT / Un chez-soi d'abord"),
                    ("hospital", "Hospital (somatic)"),
                    ("psychiatric_hospital", "Hospital (psychiatric)"),
                    ("addiction_care", "Residential addiction care"),
                    ("prison", "Prison"),
                    ("family_friends", "Housed by family or friends"),
                    ("street", "Back to the street"),
                    ("death", "Death"),
                    ("unknown", "Unknown"),
                    ("transfer", "Transfer to another place"),
                ],
                max_length=24,
                verbose_name="exit destination",
            ),
        ),
        migrations.AlterField(
            model_name="placementevent",
            name="exit_destination",
            field=models.CharField(
                blank=True,
                choices=[
                    ("social_housing", "Social housing"),
                    ("private_housing", "Private housing"),
                    (
                        "intermediate",
                        "Intermediate housing (pension de famille, résidence sociale)",
                    ),
                    ("chrs", "CHRS"),
                    ("chu", "Emergency or stabilisation shelter (CHU)"),
                    ("other_hotel", "Another hotel"),
                    ("medico_social", "LHSS / LAM / ACT / Un chez-soi d'abord"),
                    ("hospital", "Hospital (somatic)"),
                    ("psychiatric_hospital", "Hospital (psychiatric)"),
                    ("addiction_care", "Residential addiction care"),
                    ("prison", "Prison"),
                    ("family_friends", "Housed by family or friends"),
                    ("street", "Back to the street"),
                    ("death", "Death"),
                    ("unknown", "Unknown"),
                    ("transfer", "Transfer to another place"),
                ],
                max_length=24,
                verbose_name="exit destination",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="placement",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "placements_placementevent" ("admission_id", "created_by_id", "end", "ended_by_id", "exit_comment", "exit_destination", "exit_reason", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place_id", "previous_id", "resident_id", "start", "transfer_reason") VALUES (NEW."admission_id", NEW."created_by_id", NEW."end", NEW."ended_by_id", NEW."exit_comment", NEW."exit_destination", NEW."exit_reason", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."place_id", NEW."previous_id", NEW."resident_id", NEW."start", NEW."transfer_reason"); RETURN NULL;',
                    hash="86abe71c3610c66d6b5e94a4633ad13c6294c1d9",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_1caba",
                    table="placements_placement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="placement",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "placements_placementevent" ("admission_id", "created_by_id", "end", "ended_by_id", "exit_comment", "exit_destination", "exit_reason", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place_id", "previous_id", "resident_id", "start", "transfer_reason") VALUES (NEW."admission_id", NEW."created_by_id", NEW."end", NEW."ended_by_id", NEW."exit_comment", NEW."exit_destination", NEW."exit_reason", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."place_id", NEW."previous_id", NEW."resident_id", NEW."start", NEW."transfer_reason"); RETURN NULL;',
                    hash="df4b79ead7ddaa2b4d20e221642fc8479e6595b6",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_3ab36",
                    table="placements_placement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="placement",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "placements_placementevent" ("admission_id", "created_by_id", "end", "ended_by_id", "exit_comment", "exit_destination", "exit_reason", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place_id", "previous_id", "resident_id", "start", "transfer_reason") VALUES (OLD."admission_id", OLD."created_by_id", OLD."end", OLD."ended_by_id", OLD."exit_comment", OLD."exit_destination", OLD."exit_reason", OLD."id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."place_id", OLD."previous_id", OLD."resident_id", OLD."start", OLD."transfer_reason"); RETURN NULL;',
                    hash="383ca5eee60b847a48cbbf0a4710254f5d977e3b",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_95ec9",
                    table="placements_placement",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunPython(split_destination_and_reason, merge_reason_into_destination),
    ]
