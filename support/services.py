"""Writing notes: a note and its confidential text are saved together, and never overwritten."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import may
from support.models import MEDICAL_KINDS, NOTE_WRITERS, MedicalNoteText, Note, NoteKind

ARCHIVED = _("This file is archived: it can be read but not changed.")
CORRECTED_MEANWHILE = _("This note was corrected meanwhile: open its latest version to correct it.")


def _check_writer(kind: str, by) -> None:
    if not may(by, NOTE_WRITERS[NoteKind(kind)]):
        raise PermissionDenied


def _save(note: Note, text: str) -> Note:
    """Store the text where the note's kind keeps it: the note itself, or MedicalNoteText."""
    if note.kind in MEDICAL_KINDS:
        note.text = ""
        note.full_clean(exclude=["supersedes"])
        note.save()
        MedicalNoteText.objects.create(note=note, text=text)
    else:
        note.text = text
        note.shared_summary = ""
        note.full_clean(exclude=["supersedes"])
        note.save()
    return note


@transaction.atomic
def note_create(*, resident, kind: str, text: str, shared_summary: str = "", by) -> Note:
    """Write a new note on `resident` as `by`, who must be allowed to write this kind."""
    _check_writer(kind, by)
    if resident.is_archived:
        raise ValidationError(ARCHIVED)
    note = Note(resident=resident, kind=kind, author=by, shared_summary=shared_summary.strip())
    return _save(note, text.strip())


@transaction.atomic
def note_correct(*, note: Note, text: str, shared_summary: str = "", by) -> Note:
    """Correct `note` as its author: a new version supersedes it, the old one stays as it was.

    Two corrections of the same version at the same moment: the one-to-one `supersedes` lets
    one through; the other is told the note was corrected meanwhile.
    """
    if note.author_id != by.pk:
        raise PermissionDenied
    _check_writer(note.kind, by)
    note = Note.objects.select_for_update().select_related("resident").get(pk=note.pk)
    if Note.objects.filter(supersedes=note).exists():
        raise ValidationError(CORRECTED_MEANWHILE)
    if note.resident.is_archived:
        raise ValidationError(ARCHIVED)
    correction = Note(
        resident=note.resident,
        kind=note.kind,
        author=by,
        written_at=note.written_at,
        recorded_at=timezone.now(),
        shared_summary=shared_summary.strip(),
        supersedes=note,
        version=note.version + 1,
    )
    try:
        with transaction.atomic():
            return _save(correction, text.strip())
    except IntegrityError:
        raise ValidationError(CORRECTED_MEANWHILE) from None
