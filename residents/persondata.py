"""What the residents app holds about a person (privacy.persondata).

Kept: gender, year of birth, the dates and coded answers of assessments and admission requests
(the reports' figures). Erased: names, date of birth, contact details, nationality, languages,
and every free text. The right of access shows the file, the admission requests and the
assessments, each in its section.
"""

from django.conf import settings
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy.persondata import ExportSection, Held, redacted_if_written
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


def pseudonym(name: str) -> Concat:
    """Erased value of the name in use: "Anonyme 1234", the file number."""
    return Concat(Value(f"{pseudonym_prefix()} "), Cast("pk", CharField()))


HELD = (
    Held(
        Resident,
        resident="pk",
        erased={
            "nickname": pseudonym,
            "first_name": "",
            "last_name": "",
            "birth_date": None,
            "nationality": "",
            "languages": "",
            "phone": "",
            "emergency_contact": "",
            "consent_notes": "",
        },
        kept={
            "gender": "coded: the reports count people by gender",
            "birth_year": "the reports' age bands need only the year of birth",
        },
        # The file's opening is a contact.
        contacts=("created_at",),
        section="identity",
        not_exported={"search_text": "the names again, lower case and without accents, to search"},
    ),
    Held(
        AdmissionRequest,
        resident="resident_id",
        erased={
            "referrer_name": "",
            "referrer_contact": "",
            "observations": "",
            # A refusal keeps a reason (a database constraint): the reason's text goes all the same.
            "decision_reason": redacted_if_written,
        },
        contacts=("received_on", "last_news_on", "decided_on"),
        ongoing=Q(status=AdmissionStatus.WAITING),
        section="admission_requests",
    ),
    Held(
        SituationAssessment,
        resident="resident_id",
        erased={"domiciliation": "", "referring_structure": ""},
        contacts=("assessed_on",),
        section="situation_assessments",
    ),
    Held(
        ConsumptionAssessment,
        resident="resident_id",
        erased={"notes": ""},
        contacts=("assessed_on",),
        section="consumption_assessments",
    ),
    Held(
        ConsumptionLine,
        resident="assessment__resident_id",
        kept={"product": "coded: the consumption outcomes compare the products' frequency"},
        section="consumption_assessments",
    ),
)

SECTIONS = (
    ExportSection("identity", _("Identity and consent"), order=10),
    ExportSection("admission_requests", _("Admission requests"), order=20),
    ExportSection("situation_assessments", _("Social situation"), order=30),
    ExportSection("consumption_assessments", _("Consumption"), order=40),
)
