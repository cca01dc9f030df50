"""What the visits app holds about a person, for the right of access (privacy.subject_access):
every home visit with its observations and follow-up.

A follow-up raised for a medical or psychiatric concern reaches the medical team only (see
FOLLOW_UP_ROLES); its note stays out of an export made by anyone else, who sees the reason only.
"""

from django.utils.translation import gettext_lazy as _

from accounts.roles import MEDICAL_TEAM
from privacy.subject_access import Section, row
from visits.models import FollowUpReason, Visit

MEDICAL_FOLLOW_UPS = frozenset({FollowUpReason.MEDICAL, FollowUpReason.PSYCHIATRIC})


def sections(resident, user) -> list[Section]:
    """One section, one query."""
    visits = Visit.objects.filter(resident=resident).select_related(
        "hotel", "worker", "partner", "logged_by", "follow_up_closed_by"
    )
    medical = user.has_role(*MEDICAL_TEAM)
    rows = []
    for visit in visits:
        note_hidden = visit.follow_up_reason in MEDICAL_FOLLOW_UPS and not medical
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
                (_("About the follow-up"), "" if note_hidden else visit.follow_up_note),
                (_("Follow-up handled at"), visit.follow_up_closed_at),
                (_("Logged at"), visit.logged_at),
                (_("Logged by"), str(visit.logged_by or "")),
            )
        )
    return [Section("visits", _("Home visits"), rows, order=60)]
