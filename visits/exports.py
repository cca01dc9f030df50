"""What the visits app holds about a person, for the right of access (privacy.subject_access):
every home visit with its observations and follow-up.

The note of a follow-up raised for a medical or psychiatric concern is the medical team's (see
VisitMedicalNote): an export made by anyone else shows the reason only.
"""

from django.utils.translation import gettext_lazy as _

from privacy.subject_access import Section, row
from visits.models import Visit


def sections(resident, user) -> list[Section]:
    """One section, one query."""
    visits = (
        Visit.objects.filter(resident=resident)
        .with_medical_note_for(user)
        .select_related("hotel", "worker", "partner", "logged_by", "follow_up_closed_by")
    )
    rows = []
    for visit in visits:
        rows.append(
            row(
                (_("Date"), visit.planned_on),
                (_("Hotel"), str(visit.hotel)),
                (_("Status"), visit.get_status_display()),
                (_("Unplanned"), visit.unplanned),
                (_("Outcome of the visit"), visit.get_outcome_display()),
                (_("Team"), [str(member) for member in visit.team]),
                (_("Health"), visit.health),
                (_("Room and “savoir habiter”"), visit.room),
                (_("Consumption"), visit.consumption),
                (_("Needs and requests"), visit.needs),
                (_("Follow-up needed"), visit.get_follow_up_reason_display()),
                (_("About the follow-up"), visit.follow_up_note),
                (_("Medical note of the follow-up"), visit.medical_note or ""),
                (_("Follow-up handled at"), visit.follow_up_closed_at),
                (_("Logged at"), visit.logged_at),
                (_("Logged by"), str(visit.logged_by or "")),
            )
        )
    return [Section("visits", _("Home visits"), rows, order=60)]
