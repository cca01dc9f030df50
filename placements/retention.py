"""What this app holds about a person, for the retention of case files (privacy.retention).

Kept: stays with their places, dates and exit destinations, absences' dates and reasons,
incidents' kind and dates (the operator's report). Removed: exit comments, absence notes, and
what was written about an incident involving the person and its follow-up actions.
"""

from placements.models import Absence, Incident, IncidentAction, Placement
from privacy import retention


def last_contacts(resident_ids: list[int]) -> dict:
    stays = Placement.objects.filter(resident_id__in=resident_ids)
    incidents = Incident.objects.filter(resident_id__in=resident_ids)
    return retention.merge(
        retention.latest(stays, "start", "end"),
        retention.ongoing(stays.filter(end__isnull=True)),
        retention.latest(
            Absence.objects.filter(placement__resident_id__in=resident_ids),
            "start",
            "end",
            resident="placement__resident_id",
        ),
        retention.latest(incidents, "occurred_on", "closed_on"),
    )


def anonymise(resident_ids: list[int]) -> list:
    stays = Placement.objects.filter(resident_id__in=resident_ids)
    stays.update(exit_comment="")
    absences = Absence.objects.filter(placement__resident_id__in=resident_ids)
    absences.update(notes="")
    incidents = Incident.objects.filter(resident_id__in=resident_ids)
    # Required fields: the text goes, a mark stays.
    incidents.update(description=retention.REDACTED)
    actions = IncidentAction.objects.filter(incident__resident_id__in=resident_ids)
    actions.update(action=retention.REDACTED)
    return [stays, absences, incidents, actions]


def register() -> None:
    retention.register("placements", last_contacts=last_contacts, anonymise=anonymise)
