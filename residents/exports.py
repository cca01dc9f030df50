"""The right of access (privacy.subject_access) on the residents' side: what the app holds about
a person, and the resident page's button to the export.

Identity and consent, admission requests, situation and consumption assessments. Who opened the
file is privacy's section (privacy.access).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.policy import may
from privacy.subject_access import Section, row
from residents.actions import ResidentAction
from residents.models import AdmissionRequest, ConsumptionAssessment, Resident


def right_of_access_actions(resident: Resident, user) -> list[ResidentAction]:
    """The resident page's button to the right of access page, for whoever may use it."""
    if not may(user, "privacy.open_exports_page"):
        return []
    url = reverse("privacy:export_page", args=[resident.pk])
    if may(user, "privacy.export"):
        return [ResidentAction(_("Export the data (right of access)"), url, icon="download")]
    return [ResidentAction(_("Right of access exports"), url, icon="download")]


def sections(resident: Resident, user) -> list[Section]:
    """Four sections, five queries."""
    return [
        Section("identity", _("Identity and consent"), [_identity(resident)], order=10),
        Section("admission_requests", _("Admission requests"), _admissions(resident), order=20),
        Section("situation_assessments", _("Social situation"), _situations(resident), order=30),
        Section("consumption_assessments", _("Consumption"), _consumption(resident), order=40),
    ]


def _identity(resident: Resident) -> dict:
    resident = Resident.objects.select_related("informed_by", "created_by").get(pk=resident.pk)
    return row(
        (_("Name in use"), resident.nickname),
        (_("First name"), resident.first_name),
        (_("Last name"), resident.last_name),
        (_("Year of birth"), resident.birth_year),
        (_("Date of birth"), resident.birth_date),
        (_("Gender"), resident.get_gender_display()),
        (_("Nationality"), resident.nationality),
        (_("Languages spoken"), resident.languages),
        (_("Phone"), resident.phone),
        (_("Emergency contact"), resident.emergency_contact),
        (_("Informed of the data processing on"), resident.informed_on),
        (_("Informed by"), str(resident.informed_by or "")),
        (_("Objects to sharing with partners"), resident.objects_to_sharing),
        (_("Notes on consent"), resident.consent_notes),
        (_("File opened on"), resident.created_at),
        (_("File opened by"), str(resident.created_by or "")),
        (_("File archived on"), resident.archived_at),
    )


def _admissions(resident: Resident) -> list[dict]:
    requests = AdmissionRequest.objects.filter(resident=resident).select_related("decided_by")
    return [
        row(
            (_("Received on"), request.received_on),
            (_("Referring structure"), request.get_referring_structure_display()),
            (_("Referrer"), request.referrer_name),
            (_("Referrer's contact details"), request.referrer_contact),
            (_("Psychic situation"), request.get_psychic_situation_display()),
            (_("Isolation"), request.get_isolation_display()),
            (_("Vulnerability"), request.get_vulnerability_display()),
            (_("Observations"), request.observations),
            (_("Status"), request.get_status_display()),
            (_("Reason for the decision"), request.decision_reason),
            (_("Decided on"), request.decided_on),
            (_("Decided by"), str(request.decided_by or "")),
            (_("Last news on"), request.last_news_on),
        )
        for request in requests
    ]


def _situations(resident: Resident) -> list[dict]:
    assessments = resident.situation_assessments.select_related("assessed_by")
    return [
        row(
            (_("Assessed on"), assessment.assessed_on),
            (_("Housing before entry"), assessment.get_housing_before_display()),
            (_("Income"), assessment.income_labels()),
            (_("Health cover"), assessment.get_health_cover_display()),
            (_("ID papers"), assessment.get_id_papers_display()),
            (_("Residence permit"), assessment.get_residence_permit_display()),
            (_("Domiciliation"), assessment.domiciliation),
            (_("Referring structure"), assessment.referring_structure),
            (_("Assessed by"), str(assessment.assessed_by)),
        )
        for assessment in assessments
    ]


def _consumption(resident: Resident) -> list[dict]:
    assessments = (
        ConsumptionAssessment.objects.filter(resident=resident)
        .select_related("assessed_by")
        .prefetch_related("lines")
    )
    return [
        row(
            (_("Assessed on"), assessment.assessed_on),
            (_("Context"), assessment.get_context_display()),
            (
                _("Products used in the last 30 days"),
                [_line(line) for line in assessment.lines.all()],
            ),
            (_("Notes"), assessment.notes),
            (_("Assessed by"), str(assessment.assessed_by)),
        )
        for assessment in assessments
    ]


def _line(line) -> str:
    text = _("%(product)s: %(frequency)s") % {
        "product": line.get_product_display(),
        "frequency": line.get_frequency_display(),
    }
    if line.route:
        text += f" ({line.get_route_display().lower()})"
    if line.ost_prescribed:
        text += ", " + str(_("prescribed"))
    return text
