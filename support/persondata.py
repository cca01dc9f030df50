"""What the support app holds about a person (privacy.persondata).

Kept: each note's kind, author and dates (the file active counts them), steps' kind, status
and dates, referrals' service, appointment and outcome. Erased: the text of every note and of
every earlier version of it, shared summaries, steps' details, referrals' notes and the
practical details written for the escort.

The right of access shows every version of the notes, the steps, the referrals, and the
consumption outcome computed from the assessments. The text of nursing and psychiatric notes,
the notes that share nothing with the team, and a medical referral's service and notes are
in an export made by the medical team only.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.persondata import ExportSection, Held
from support.models import MEDICAL_KINDS, MedicalNoteText, Note, Referral, Step
from support.outcomes import classify_residents

HELD = (
    Held(
        Note,
        resident="resident_id",
        erased={"text": "", "shared_summary": ""},
        # A nursing or psychiatric note that shares no summary: see Note.objects.visible_to.
        medical_rows=Q(kind__in=sorted(MEDICAL_KINDS), shared_summary=""),
        medical_rows_named=_("the nursing and psychiatric notes that share no summary"),
        contacts=("written_at",),
        section="notes",
        not_exported={
            "supersedes": "the version a correction replaces: every version is in the export, "
            "with its number and the date it was recorded"
        },
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
        # The escort's practical details are free text (erased) but not medical: they are
        # written for the worker who accompanies and hold nothing of the confidential notes.
        erased={"notes": "", "escort_place": "", "escort_bring": ""},
        # For a medical referral only: see Referral.objects.visible_to.
        medical=frozenset({"service", "notes"}),
        medical_when="is_medical",
        contacts=("created_at", "appointment_at"),
        section="referrals",
    ),
)


def consumption_outcome(resident) -> list[dict]:
    """The outcome between the person's first and last consumption assessment."""
    outcome = classify_residents([resident.pk], datetime.date.min, timezone.localdate())
    return [{str(_("Outcome")): outcome[resident.pk].label}]


SECTIONS = (
    ExportSection(
        "outcomes",
        _("Consumption outcome"),
        order=45,
        note=_("Between the first and the last consumption assessment."),
        rows=consumption_outcome,
    ),
    ExportSection("notes", _("Notes"), order=70),
    ExportSection("steps", _("Steps"), order=80),
    ExportSection("referrals", _("Referrals and appointments"), order=85),
)
