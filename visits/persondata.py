"""What the visits app holds about a person (privacy.persondata).

Kept: each visit's day, hotel, workers, status and outcome (the visits figures). Erased: the
observations written (health, room, consumption, needs), the follow-up notes and what was done
about them, shared or medical. Only a visit done is a contact. The right of access shows every
visit with its observations; the note of a medical follow-up and what was done about it only in
an export made by the medical team.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.persondata import ExportSection, Held
from visits.models import Visit, VisitMedicalNote, VisitStatus

HELD = (
    Held(
        Visit,
        resident="resident_id",
        erased={
            "health": "",
            "room": "",
            "consumption": "",
            "needs": "",
            "follow_up_note": "",
            "follow_up_handled_note": "",
        },
        contacts=("planned_on",),
        contact_rows=Q(status=VisitStatus.DONE),
        section="visits",
        not_exported={
            "manually_edited": "the roster's mark of a visit the coordinator moved or called "
            "off, so that the next roster leaves it: about the roster, not the person"
        },
    ),
    Held(
        VisitMedicalNote,
        resident="visit__resident_id",
        erased={"text": "", "handled_text": ""},
        medical=frozenset({"text", "handled_text"}),
        section="visits",
    ),
)

SECTIONS = (ExportSection("visits", _("Home visits"), order=60),)
