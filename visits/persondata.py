"""What the visits app holds about a person (privacy.persondata).

Kept: each visit's day, hotel, workers, status and outcome (the visits figures). Erased: the
observations written (health, room, consumption, needs) and the follow-up notes, shared or
medical. Only a visit done is a contact.
"""

from django.db.models import Q

from privacy.persondata import Held
from visits.models import Visit, VisitMedicalNote, VisitStatus

HELD = (
    Held(
        Visit,
        resident="resident_id",
        erased={"health": "", "room": "", "consumption": "", "needs": "", "follow_up_note": ""},
        contacts=("planned_on",),
        contact_rows=Q(status=VisitStatus.DONE),
        section="visits",
    ),
    Held(
        VisitMedicalNote,
        resident="visit__resident_id",
        erased={"text": ""},
        medical=frozenset({"text"}),
        section="visits",
    ),
)
