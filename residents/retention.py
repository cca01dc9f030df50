"""What this app holds about a person, for the retention of case files (privacy.retention).

Kept: gender, year of birth, the dates and coded answers of assessments and admission requests
(the reports' figures). Removed: names, date of birth, contact details, nationality, languages,
and every free text.
"""

from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext

from privacy import retention
from residents.models import (
    AdmissionRequest,
    AdmissionStatus,
    ConsumptionAssessment,
    ConsumptionLine,
    Resident,
    SituationAssessment,
)


def pseudonym_prefix() -> str:
    """The word before the file number in an anonymised file's name ("Anonyme 1234")."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Anonymous")


def last_contacts(resident_ids: list[int]) -> dict:
    requests = AdmissionRequest.objects.filter(resident_id__in=resident_ids)
    return retention.merge(
        retention.latest(Resident.objects.filter(pk__in=resident_ids), "created_at", resident="pk"),
        retention.latest(requests, "received_on", "last_news_on", "decided_on"),
        retention.ongoing(requests.filter(status=AdmissionStatus.WAITING)),
        retention.latest(
            SituationAssessment.objects.filter(resident_id__in=resident_ids), "assessed_on"
        ),
        retention.latest(
            ConsumptionAssessment.objects.filter(resident_id__in=resident_ids), "assessed_on"
        ),
    )


def anonymise(resident_ids: list[int]) -> list:
    residents = Resident.objects.filter(pk__in=resident_ids)
    residents.update(
        nickname=Concat(Value(f"{pseudonym_prefix()} "), Cast("pk", CharField())),
        first_name="",
        last_name="",
        birth_date=None,
        nationality="",
        languages="",
        phone="",
        emergency_contact="",
        consent_notes="",
        anonymised_at=timezone.now(),
    )
    situations = SituationAssessment.objects.filter(resident_id__in=resident_ids)
    situations.update(domiciliation="")
    consumption = ConsumptionAssessment.objects.filter(resident_id__in=resident_ids)
    consumption.update(notes="")
    requests = AdmissionRequest.objects.filter(resident_id__in=resident_ids)
    requests.update(referrer_name="", referrer_contact="", observations="")
    # A refusal keeps a reason (a database constraint): the reason's text goes all the same.
    requests.exclude(decision_reason="").update(decision_reason=retention.REDACTED)
    return [
        residents,
        situations,
        consumption,
        ConsumptionLine.objects.filter(assessment__resident_id__in=resident_ids),
        requests,
    ]


def register() -> None:
    retention.register("residents", last_contacts=last_contacts, anonymise=anonymise)
