"""What the support app holds about a person, for the right of access (privacy.subject_access).

Notes, steps and referrals are read through their querysets' `visible_to(user)`, as on every
page: an export made by the coordinator carries the social notes and the summaries the medical
team shared, never the text of a nursing or psychiatric note nor a medical referral's service
and notes; one made by the nurse or the psychiatrist carries everything.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.subject_access import Section, includes_medical, row
from support.models import Note, Referral, Step
from support.outcomes import classify_residents

MEDICAL_NOTES_LEFT_OUT = _(
    "The text of nursing and psychiatric notes is left out of this export: only the nurse or the "
    "psychiatrist can hand it over. The summary they shared with the team is included."
)
MEDICAL_REFERRALS_LEFT_OUT = _(
    "For a medical referral, the service and the notes are left out of this export: only the "
    "nurse or the psychiatrist can hand them over."
)


def sections(resident, user) -> list[Section]:
    """Four sections, six queries."""
    medical = includes_medical(user)
    return [
        Section(
            "notes",
            _("Notes"),
            _notes(resident, user),
            order=70,
            note="" if medical else MEDICAL_NOTES_LEFT_OUT,
        ),
        Section("steps", _("Steps"), _steps(resident, user), order=80),
        Section(
            "referrals",
            _("Referrals and appointments"),
            _referrals(resident, user),
            order=85,
            note="" if medical else MEDICAL_REFERRALS_LEFT_OUT,
        ),
        Section(
            "outcomes",
            _("Consumption outcome"),
            _outcome(resident),
            order=45,
            note=_("Between the first and the last consumption assessment."),
        ),
    ]


def _notes(resident, user) -> list[dict]:
    """Every version of each note the user may read: a correction keeps the earlier text."""
    notes = (
        Note.objects.visible_to(user)
        .filter(resident=resident)
        .select_related("author")
        .order_by("-written_at", "-version", "-pk")
    )
    rows = []
    for note in notes:
        pairs = [
            (_("Kind"), note.get_kind_display()),
            (_("Written at"), note.written_at),
            (_("Author"), str(note.author)),
            (_("Version"), note.version),
        ]
        if note.version > 1:
            pairs.append((_("Version recorded at"), note.recorded_at))
        if note.full_access:
            pairs.append((_("Text"), note.body))
        if note.is_medical:
            pairs.append((_("Summary shared with the team"), note.shared_summary))
        rows.append(row(*pairs))
    return rows


def _steps(resident, user) -> list[dict]:
    steps = Step.objects.visible_to(user).filter(resident=resident).select_related("followed_by")
    return [
        row(
            (_("Step"), step.get_kind_display()),
            (_("Details"), step.details),
            (_("Status"), step.get_status_display()),
            (_("Due on"), step.due_on),
            (_("Followed by"), str(step.followed_by)),
            (_("Started on"), step.created_at),
            (_("Closed on"), step.closed_on),
        )
        for step in steps
    ]


def _referrals(resident, user) -> list[dict]:
    referrals = (
        Referral.objects.visible_to(user).filter(resident=resident).select_related("accompanied_by")
    )
    return [
        row(
            (_("Service"), str(referral.title)),
            (_("Medical referral"), referral.is_medical),
            (_("Appointment"), referral.appointment_at),
            (_("Accompanied by"), str(referral.accompanied_by or "")),
            (_("Outcome"), referral.get_outcome_display()),
            (_("Notes"), referral.shown_notes),
            (_("Recorded on"), referral.created_at),
        )
        for referral in referrals
    ]


def _outcome(resident) -> list[dict]:
    outcome = classify_residents([resident.pk], datetime.date.min, timezone.localdate())
    return [row((_("Outcome"), outcome[resident.pk].label))]
