"""Anonymising the case files past the retention delay (privacy.retention).

One old file holds something in every app; the other files show each reason a file is kept.
"""

import datetime
import io
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from core.audit import event_models
from harmreduction.models import AdviceSession, Overdose, VoucherDistribution
from placements.models import Absence, Incident, IncidentAction, Placement
from privacy import retention
from privacy.models import AccessLog
from privacy.tasks import apply_retention
from residents.models import AdmissionRequest, Resident, SituationAssessment
from residents.persondata import pseudonym_prefix
from support.models import MedicalNoteText, Note, Referral, Step
from tests.factories import (
    AdmissionRequestFactory,
    ConsumptionAssessmentFactory,
    IncidentFactory,
    NoteFactory,
    PlacementFactory,
    ReferralFactory,
    ResidentFactory,
    SampleFactory,
    SituationAssessmentFactory,
    StepFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Visit

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = timezone.localdate()
# Three years ago: past the two-year delay.
OLD = TODAY - datetime.timedelta(days=3 * 365)
IDENTITY = ["Dupontel", "06 12 34 56 78", "Karim (frère)", "Marocaine", "arabe, tamazight"]
FREE_TEXT = "raconte sa rupture avec Samia"


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=PARIS)


def old_resident(**fields) -> Resident:
    return ResidentFactory(created_at=at(OLD - datetime.timedelta(days=30)), **fields)


@pytest.fixture
def worker(db):
    return UserFactory(username="worker", roles=["social_worker"])


@pytest.fixture
def old_file(worker, nina):
    """A person housed for two months three years ago, with something in every app."""
    resident = old_resident(
        nickname="Momo",
        first_name="Mohamed",
        last_name="Dupontel",
        birth_date=datetime.date(1985, 6, 15),
        birth_year=1985,
        gender="man",
        phone="06 12 34 56 78",
        emergency_contact="Karim (frère)",
        nationality="Marocaine",
        languages="arabe, tamazight",
        consent_notes=FREE_TEXT,
        informed_on=OLD - datetime.timedelta(days=20),
        informed_by=worker,
    )
    request = AdmissionRequestFactory(
        resident=resident,
        received_on=OLD - datetime.timedelta(days=20),
        referrer_name="Dr Dupontel",
        referrer_contact="06 12 34 56 78",
        observations=FREE_TEXT,
        status="admitted",
        decided_on=OLD - datetime.timedelta(days=5),
        decision_reason=FREE_TEXT,
    )
    SituationAssessmentFactory(
        resident=resident,
        assessed_on=OLD,
        domiciliation=FREE_TEXT,
        referring_structure="Dr Dupontel, Lariboisière",
        housing_before="street",
    )
    ConsumptionAssessmentFactory(resident=resident, assessed_on=OLD, notes=FREE_TEXT)
    stay = PlacementFactory(
        resident=resident,
        start=OLD,
        end=OLD + datetime.timedelta(days=60),
        exit_destination="street",
        exit_comment=FREE_TEXT,
        admission=request,
    )
    Absence.objects.create(
        placement=stay,
        start=OLD + datetime.timedelta(days=10),
        end=OLD + datetime.timedelta(days=12),
        reason="hospital",
        notes=FREE_TEXT,
    )
    incident = IncidentFactory(
        hotel=stay.place.hotel, resident=resident, occurred_on=OLD, description=FREE_TEXT
    )
    IncidentAction.objects.create(
        incident=incident, done_on=OLD, action=FREE_TEXT, handled_by=worker
    )
    VisitFactory(
        placement=stay,
        planned_on=OLD + datetime.timedelta(days=3),
        status="done",
        outcome="seen",
        logged_at=at(OLD + datetime.timedelta(days=3)),
        health=FREE_TEXT,
        room=FREE_TEXT,
        consumption=FREE_TEXT,
        needs=FREE_TEXT,
        follow_up_note=FREE_TEXT,
    )
    NoteFactory(resident=resident, author=worker, written_at=at(OLD), text=FREE_TEXT)
    NoteFactory(
        resident=resident,
        author=nina,
        kind="nursing",
        text="",
        shared_summary=FREE_TEXT,
        medical_text=FREE_TEXT,
        written_at=at(OLD + datetime.timedelta(days=1)),
    )
    StepFactory(
        resident=resident, followed_by=worker, details=FREE_TEXT, due_on=OLD, created_at=at(OLD)
    )
    ReferralFactory(
        resident=resident,
        appointment_at=at(OLD + datetime.timedelta(days=7)),
        outcome="attended",
        notes=FREE_TEXT,
        created_at=at(OLD),
    )
    monday = OLD - datetime.timedelta(days=OLD.weekday()) + datetime.timedelta(days=7)
    VoucherDistribution.objects.create(
        resident=resident,
        week=monday,
        status="not_given",
        quantity=5,
        unit_value_cents=700,
        missed_reason="other",
        missed_note=FREE_TEXT,
        recorded_at=at(monday),
        recorded_by=worker,
    )
    Overdose.objects.create(
        occurred_on=OLD, resident=resident, outcome="recovered", note=FREE_TEXT, recorded_by=worker
    )
    AdviceSession.objects.create(
        resident=resident, held_on=OLD, topics=["overdose"], note=FREE_TEXT, held_by=worker
    )
    SampleFactory(
        resident=resident,
        collected_on=OLD,
        sent_on=OLD,
        result_on=OLD + datetime.timedelta(days=20),
        result=FREE_TEXT,
        description=FREE_TEXT,
        reference="ATP-2023-Dupontel",
    )
    return resident


def history_mentioning(text: str) -> list[str]:
    """The event tables whose rows mention `text` anywhere."""
    found = []
    with connection.cursor() as cursor:
        for event in event_models().values():
            table = connection.ops.quote_name(event._meta.db_table)
            cursor.execute(
                f"SELECT count(*) FROM {table} AS e WHERE row_to_json(e)::text ILIKE %s",
                [f"%{text}%"],
            )
            if cursor.fetchone()[0]:
                found.append(event._meta.db_table)
    return found


# --- Which files ---------------------------------------------------------------------------------


def test_it_finds_the_files_whose_last_contact_is_past_the_delay(old_file, worker):
    opened_only = old_resident()
    # Kept: a current stay that began long ago, a recent note, a request still waiting, a file
    # opened recently, a file already anonymised.
    housed = old_resident()
    PlacementFactory(resident=housed, start=OLD)
    seen_lately = old_resident()
    NoteFactory(resident=seen_lately, author=worker, written_at=at(TODAY - datetime.timedelta(30)))
    waiting = old_resident()
    AdmissionRequestFactory(resident=waiting, received_on=OLD)
    ResidentFactory()
    done = old_resident()
    retention.anonymise([done.pk])

    expired = retention.expired_files()

    assert [file.resident_id for file in expired] == [opened_only.pk, old_file.pk]
    # The last contact of the old file: its stay's exit, sixty days after its entry.
    assert expired[1].last_contact == OLD + datetime.timedelta(days=60)


def test_it_counts_the_delay_from_the_setting(old_file, settings):
    settings.RETENTION_DAYS = 4 * 365
    assert retention.expired_files() == []
    settings.RETENTION_DAYS = 365
    assert [file.resident_id for file in retention.expired_files()] == [old_file.pk]


# --- What goes, what stays -----------------------------------------------------------------------


def test_it_removes_identity_and_free_text_and_keeps_the_facts(old_file):
    assert retention.anonymise_expired() == 1

    resident = Resident.objects.get(pk=old_file.pk)
    assert resident.nickname == f"{pseudonym_prefix()} {resident.pk}"
    assert (resident.first_name, resident.last_name, resident.birth_date) == ("", "", None)
    assert (resident.phone, resident.emergency_contact, resident.consent_notes) == ("", "", "")
    assert (resident.nationality, resident.languages) == ("", "")
    assert resident.is_anonymised and resident.is_archived
    assert (resident.gender, resident.birth_year) == ("man", 1985)
    assert resident.informed_on == old_file.informed_on
    assert not Resident.objects.search("Dupontel").exists()

    request = AdmissionRequest.objects.get(resident=resident)
    assert (request.referrer_name, request.referrer_contact, request.observations) == ("", "", "")
    assert request.decision_reason == retention.REDACTED
    assert (request.status, request.received_on) == ("admitted", OLD - datetime.timedelta(20))
    stay = Placement.objects.get(resident=resident)
    assert (stay.start, stay.end, stay.exit_destination, stay.exit_comment) == (
        OLD,
        OLD + datetime.timedelta(days=60),
        "street",
        "",
    )
    assert Absence.objects.get(placement=stay).notes == ""
    assert Incident.objects.get(resident=resident).description == retention.REDACTED
    assert IncidentAction.objects.get().action == retention.REDACTED
    visit = Visit.objects.get(resident=resident)
    assert (visit.status, visit.outcome) == ("done", "seen")
    # Every observation written during the visit is blanked.
    assert (visit.health, visit.room, visit.consumption, visit.needs, visit.follow_up_note) == (
        "",
        "",
        "",
        "",
        "",
    )
    notes = Note.objects.filter(resident=resident).order_by("written_at")
    assert [(note.kind, note.text, note.shared_summary) for note in notes] == [
        ("social", "", ""),
        ("nursing", "", ""),
    ]
    assert MedicalNoteText.objects.get().text == ""
    assert Step.objects.get(resident=resident).details == ""
    assert (Referral.objects.get().outcome, Referral.objects.get().notes) == ("attended", "")
    assert VoucherDistribution.objects.get().missed_note == ""
    assert Overdose.objects.get().note == "" and AdviceSession.objects.get().note == ""
    sample = resident.samples.get()
    assert (sample.description, sample.reference, sample.result) == ("", "", retention.REDACTED)
    assert sample.result_on == OLD + datetime.timedelta(days=20)


def test_it_removes_the_referring_structure_written_in_a_situation_assessment(old_file):
    retention.anonymise([old_file.pk])

    situation = SituationAssessment.objects.get(resident=old_file)
    assert (situation.referring_structure, situation.domiciliation) == ("", "")
    assert (situation.assessed_on, situation.housing_before) == (OLD, "street")


def test_it_deletes_the_history_of_the_anonymised_rows_and_only_theirs(old_file, worker):
    kept = ResidentFactory(last_name="Gardé")
    assert history_mentioning("Dupontel") and history_mentioning(FREE_TEXT)

    retention.anonymise_expired()

    assert history_mentioning("Dupontel") == []
    assert history_mentioning(FREE_TEXT) == []
    # Not even the updates the anonymisation itself made.
    assert not Events.objects.tracks(old_file).exists()
    note = Note.objects.filter(resident=old_file).first()
    assert not Events.objects.tracks(note).exists()
    assert [event.pgh_label for event in Events.objects.tracks(kept)] == ["insert"]


def test_it_shows_the_anonymised_file_without_identity(client_for, old_file, marc):
    retention.anonymise_expired()

    response = client_for(marc).get(reverse("residents:resident_detail", args=[old_file.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="anonymised"' in page
    assert f"{pseudonym_prefix()} {old_file.pk}" in page
    assert "Dupontel" not in page and "Momo" not in page and FREE_TEXT not in page
    assert reverse("residents:resident_update", args=[old_file.pk]) not in page


def test_an_anonymised_file_cannot_be_changed(client_for, old_file, alice):
    retention.anonymise_expired()

    response = client_for(alice).get(reverse("residents:resident_update", args=[old_file.pk]))

    assert response.status_code == 404
    assert not Resident.objects.active().filter(pk=old_file.pk).exists()


# --- Running it ----------------------------------------------------------------------------------


def test_the_task_is_idempotent(old_file):
    first = apply_retention.delay().get()
    anonymised_at = Resident.objects.get(pk=old_file.pk).anonymised_at

    second = apply_retention.delay().get()

    assert first["anonymised"] == 1
    assert second == {"anonymised": 0, "access_log_deleted": 0, "history_deleted": 0}
    assert Resident.objects.get(pk=old_file.pk).anonymised_at == anonymised_at


def test_anonymising_an_anonymised_file_again_does_nothing(old_file):
    assert retention.anonymise([old_file.pk]) == [old_file.pk]
    assert retention.anonymise([old_file.pk]) == []


def test_it_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.apply_retention"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})


def test_the_dry_run_lists_file_numbers_and_changes_nothing(old_file):
    events_before = sum(event.objects.count() for event in event_models().values())
    out = io.StringIO()

    call_command("anonymise_files", "--dry-run", stdout=out)

    output = out.getvalue()
    last = (OLD + datetime.timedelta(days=60)).isoformat()
    assert f"file #{old_file.pk}  last contact {last}" in output
    assert "1 file(s) would be anonymised" in output
    assert "Momo" not in output and "Dupontel" not in output
    assert Resident.objects.get(pk=old_file.pk).anonymised_at is None
    assert sum(event.objects.count() for event in event_models().values()) == events_before


def test_the_command_anonymises_without_dry_run(old_file):
    out = io.StringIO()
    call_command("anonymise_files", stdout=out)
    assert "1 file(s) anonymised" in out.getvalue()
    assert Resident.objects.get(pk=old_file.pk).is_anonymised


# --- The access log and the history --------------------------------------------------------------


def test_it_deletes_the_access_log_past_its_delay_with_its_history(worker, settings):
    resident = ResidentFactory()
    old = AccessLog.objects.create(
        user=worker, resident=resident, at=timezone.now() - datetime.timedelta(days=366)
    )
    recent = AccessLog.objects.create(
        user=worker, resident=resident, at=timezone.now() - datetime.timedelta(days=10)
    )

    assert retention.purge_access_log() == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Events.objects.tracks(old).exists()

    settings.ACCESS_LOG_RETENTION_DAYS = 5
    assert retention.purge_access_log() == 1
    assert not AccessLog.objects.exists()


def test_it_deletes_history_events_past_their_delay(worker, settings):
    resident = ResidentFactory()
    resident.phone = "01 02 03 04 05"
    resident.save()
    event_model = event_models()[Resident]
    insert = event_model.objects.get(pgh_obj_id=resident.pk, pgh_label="insert")
    event_model.objects.filter(pk=insert.pk).update(
        pgh_created_at=timezone.now() - datetime.timedelta(days=settings.HISTORY_RETENTION_DAYS + 1)
    )

    assert retention.purge_history() == 1
    assert [event.pgh_label for event in Events.objects.tracks(resident)] == ["update"]

    settings.HISTORY_RETENTION_DAYS = 1
    assert retention.purge_history() == 0


def test_an_anonymised_files_open_steps_leave_the_dashboards_and_digests(client_for, alice):
    from support.digest import send_step_digests

    late = TODAY - datetime.timedelta(days=10)
    kept = StepFactory(followed_by=alice, due_on=late, resident__nickname="Gardé")
    gone = StepFactory(followed_by=alice, due_on=late, resident=old_resident(nickname="Parti"))
    retention.anonymise([gone.resident_id])
    page = client_for(alice).get(reverse("support:step_list"))
    assert [step.pk for step in page.context["page_obj"]] == [kept.pk]
    from django.core import mail

    mail.outbox.clear()
    send_step_digests(on=TODAY)
    assert len(mail.outbox) == 1 and "Gardé" in mail.outbox[0].body
    assert "Anonyme" not in mail.outbox[0].body
