"""What the placements app holds about a person, for the right of access
(privacy.subject_access): stays, absences and hotel incidents."""

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from placements.models import Absence, Incident, IncidentAction, Placement
from privacy.subject_access import Section, row


def sections(resident, user) -> list[Section]:
    """Three sections, four queries."""
    return [
        Section("stays", _("Stays"), _stays(resident), order=50),
        Section("absences", _("Absences"), _absences(resident), order=51),
        Section("incidents", _("Hotel incidents"), _incidents(resident), order=52),
    ]


def _stays(resident) -> list[dict]:
    stays = Placement.objects.filter(resident=resident).select_related(
        "place__hotel", "previous__place__hotel", "created_by", "ended_by"
    )
    return [
        row(
            (_("Place"), str(stay.place)),
            (_("Entry date"), stay.start),
            (_("Exit date"), stay.end),
            (_("Nights"), stay.nights()),
            (_("Transferred from"), str(stay.previous.place) if stay.previous else ""),
            (_("Exit destination"), stay.get_exit_destination_display()),
            (_("Exit comment"), stay.exit_comment),
            (_("Assigned by"), str(stay.created_by or "")),
            (_("Ended by"), str(stay.ended_by or "")),
        )
        for stay in stays
    ]


def _absences(resident) -> list[dict]:
    absences = Absence.objects.filter(placement__resident=resident).select_related(
        "placement__place__hotel"
    )
    return [
        row(
            (_("Place"), str(absence.placement.place)),
            (_("Away from"), absence.start),
            (_("Back on"), absence.end),
            (_("Planned return"), absence.planned_return),
            (_("Reason"), absence.get_reason_display()),
            (_("Place released"), absence.released),
            (_("Notes"), absence.notes),
        )
        for absence in absences
    ]


def _incidents(resident) -> list[dict]:
    incidents = (
        Incident.objects.filter(resident=resident)
        .select_related("hotel", "created_by")
        .prefetch_related(
            Prefetch("actions", queryset=IncidentAction.objects.select_related("handled_by"))
        )
    )
    return [
        row(
            (_("Date"), incident.occurred_on),
            (_("Hotel"), str(incident.hotel)),
            (_("Kind"), incident.get_kind_display()),
            (_("What happened"), incident.description),
            (_("Recorded by"), str(incident.created_by or "")),
            (_("Follow-up actions"), [_action(action) for action in incident.actions.all()]),
            (_("Closed on"), incident.closed_on),
        )
        for incident in incidents
    ]


def _action(action) -> str:
    return _("%(date)s – %(action)s (%(by)s)") % {
        "date": date_format(action.done_on, "SHORT_DATE_FORMAT"),
        "action": action.action,
        "by": action.handled_by,
    }
