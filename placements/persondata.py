"""What the placements app holds about a person (privacy.persondata).

Kept: stays with their places, dates, exit destinations and reasons (coded: why a stay ended,
why a person moved — the operator's report counts them), absences' dates and reasons,
incidents' kind and dates (the operator's report). Erased: exit comments, absence notes, and
what was written about an incident involving the person and its follow-up actions. The right of
access shows the stays with their nights, the absences, and the incidents with their actions.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from placements.models import Absence, Incident, IncidentAction, Placement
from privacy.persondata import REDACTED, ExportSection, Held

HELD = (
    Held(
        Placement,
        resident="resident_id",
        erased={"exit_comment": ""},
        contacts=("start", "end"),
        # A current stay: the file never expires.
        ongoing=Q(end__isnull=True),
        section="stays",
    ),
    Held(
        Absence,
        resident="placement__resident_id",
        erased={"notes": ""},
        contacts=("start", "end"),
        section="absences",
    ),
    Held(
        Incident,
        resident="resident_id",
        # Required field: the text goes, a mark stays.
        erased={"description": REDACTED},
        contacts=("occurred_on", "closed_on"),
        section="incidents",
    ),
    Held(
        IncidentAction,
        resident="incident__resident_id",
        erased={"action": REDACTED},
        section="incidents",
    ),
)


def nights(stay: Placement) -> list[tuple]:
    """The stay's length, derived from its dates: the nights the operator is billed for."""
    return [(_("Nights"), stay.nights())]


SECTIONS = (
    ExportSection("stays", _("Stays"), order=50, columns=nights),
    ExportSection("absences", _("Absences"), order=51),
    ExportSection("incidents", _("Hotel incidents"), order=52),
)
