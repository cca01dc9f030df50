"""What the support app holds about a person (privacy.persondata).

Kept: each note's kind, author and dates (the file active counts them), steps' kind, status
and dates, referrals' service, appointment and outcome. Erased: the text of every note and of
every earlier version of it, shared summaries, steps' details and referrals' notes.
"""

from privacy.persondata import Held
from support.models import MedicalNoteText, Note, Referral, Step

HELD = (
    Held(
        Note,
        resident="resident_id",
        erased={"text": "", "shared_summary": ""},
        contacts=("written_at",),
        section="notes",
    ),
    Held(
        MedicalNoteText,
        resident="note__resident_id",
        erased={"text": ""},
        medical=frozenset({"text"}),
        section="notes",
    ),
    Held(
        Step,
        resident="resident_id",
        erased={"details": ""},
        contacts=("created_at", "closed_on"),
        section="steps",
    ),
    Held(
        Referral,
        resident="resident_id",
        erased={"notes": ""},
        # For a medical referral only: see Referral.objects.visible_to.
        medical=frozenset({"service", "notes"}),
        medical_when="is_medical",
        contacts=("created_at", "appointment_at"),
        section="referrals",
    ),
)
