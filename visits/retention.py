"""What this app holds about a person, for the retention of case files (privacy.retention).

Kept: each visit's day, hotel, workers, status and outcome (the visits figures). Removed: the
observations written (health, room, consumption, needs) and the follow-up notes, shared or
medical.
"""

from privacy import retention
from visits.models import Visit, VisitMedicalNote, VisitStatus


def last_contacts(resident_ids: list[int]) -> dict:
    return retention.latest(
        Visit.objects.filter(resident_id__in=resident_ids, status=VisitStatus.DONE), "planned_on"
    )


def anonymise(resident_ids: list[int]) -> list:
    visits = Visit.objects.filter(resident_id__in=resident_ids)
    visits.update(health="", room="", consumption="", needs="", follow_up_note="")
    medical_notes = VisitMedicalNote.objects.filter(visit__resident_id__in=resident_ids)
    medical_notes.update(text="")
    return [visits, medical_notes]


def register() -> None:
    retention.register("visits", last_contacts=last_contacts, anonymise=anonymise)
