"""What this app holds about a person, for the retention of case files (privacy.retention).

Kept: each note's kind, author and dates (the file active counts them), steps' kind, status
and dates, referrals' service, appointment and outcome. Removed: the text of every note and of
every earlier version of it, shared summaries, steps' details and referrals' notes.
"""

from privacy import retention
from support.models import MedicalNoteText, Note, Referral, Step


def last_contacts(resident_ids: list[int]) -> dict:
    return retention.merge(
        retention.latest(Note.objects.filter(resident_id__in=resident_ids), "written_at"),
        retention.latest(
            Step.objects.filter(resident_id__in=resident_ids), "created_at", "closed_on"
        ),
        retention.latest(
            Referral.objects.filter(resident_id__in=resident_ids), "created_at", "appointment_at"
        ),
    )


def anonymise(resident_ids: list[int]) -> list:
    notes = Note.objects.filter(resident_id__in=resident_ids)
    notes.update(text="", shared_summary="")
    medical_texts = MedicalNoteText.objects.filter(note__resident_id__in=resident_ids)
    medical_texts.update(text="")
    steps = Step.objects.filter(resident_id__in=resident_ids)
    steps.update(details="")
    referrals = Referral.objects.filter(resident_id__in=resident_ids)
    referrals.update(notes="")
    return [notes, medical_texts, steps, referrals]


def register() -> None:
    retention.register("support", last_contacts=last_contacts, anonymise=anonymise)
