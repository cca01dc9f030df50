"""Reads that need care: the timeline sources, the dashboard cards, the reassessments due."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db.models import Count, DateTimeField, Exists, Max, OuterRef, Q, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.policy import may
from core.pagination import first_rows_with_total
from placements.models import Placement
from residents import timeline
from residents.models import ConsumptionAssessment, Resident, open_file
from residents.timeline import Days, Rows, TimelineEntry
from support.models import Note, Referral, Step
from support.outcomes import outcome_summary

DETAIL_CHARS = 200
CARD_ROWS = 5
APPOINTMENTS_AHEAD_DAYS = 14
# An exit assessment may be done in the last days of the stay, or in the weeks after the exit.
EXIT_ASSESSMENT_WINDOW_DAYS = 14
RECENT_EXIT_DAYS = 30


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(DETAIL_CHARS)


# --- Timeline sources ----------------------------------------------------------------------------


@timeline.reads("support.Note", "support.MedicalNoteText", "accounts.User")
def note_entries(resident: Resident, user) -> list[Days]:
    """The current version of each note `user` may read; only the summary of a medical note for
    the rest of the team, without a link (its page answers 404 to them)."""
    notes = Note.objects.visible_to(user).current().filter(resident=resident)
    return [Days(notes, "written_at", "note", _note_entry, Rows(notes.select_related("author")))]


def _note_entry(note: Note) -> TimelineEntry:
    if note.full_access:
        return TimelineEntry(
            at=note.written_at,
            kind="note",
            title=_("%(kind)s by %(author)s")
            % {"kind": note.get_kind_display(), "author": note.author},
            detail=_short(note.body),
            url=note.get_absolute_url(),
            icon="heart-pulse" if note.is_medical else "journal-text",
        )
    return TimelineEntry(
        at=note.written_at,
        kind="note-summary",
        title=_("Summary shared by %(author)s (%(kind)s)")
        % {"author": note.author, "kind": note.get_kind_display().lower()},
        detail=_short(note.shared_summary),
        icon="chat-square-text",
    )


@timeline.reads("support.Step", "accounts.User")
def step_entries(resident: Resident, user) -> list[Days]:
    steps = Step.objects.visible_to(user).filter(resident=resident)
    rows = Rows(steps.select_related("followed_by"))
    url = reverse("support:resident_steps", args=[resident.pk])
    return [
        Days(steps, "created_at", "step", partial(_step_started_entry, url=url), rows),
        Days(
            steps.filter(closed_on__isnull=False),
            "closed_on",
            "step",
            partial(_step_closed_entry, url=url),
            rows,
        ),
    ]


def _step_started_entry(step: Step, url: str) -> TimelineEntry:
    follow = _("followed by %(user)s") % {"user": step.followed_by}
    return TimelineEntry(
        at=step.created_at,
        kind="step",
        title=_("Step started: %(step)s") % {"step": step.get_kind_display()},
        detail=" · ".join(part for part in (step.details, follow) if part),
        url=url,
        icon="list-check",
    )


def _step_closed_entry(step: Step, url: str) -> TimelineEntry:
    return TimelineEntry(
        at=step.closed_on,
        kind="step",
        title=_("Step %(status)s: %(step)s")
        % {"status": step.get_status_display().lower(), "step": step.get_kind_display()},
        detail=step.details,
        url=url,
        icon="check2-circle",
    )


@timeline.reads("support.Referral", "accounts.User")
def referral_entries(resident: Resident, user) -> list[Days]:
    """Each referral at its appointment (or when recorded, without one); a medical referral's
    service and notes for the medical team only."""
    referrals = Referral.objects.visible_to(user).filter(resident=resident)
    rows = Rows(referrals.select_related("accompanied_by"))
    url = reverse("support:resident_referrals", args=[resident.pk])
    describe = partial(_referral_entry, url=url)
    at = Coalesce("appointment_at", "created_at", output_field=DateTimeField())
    return [Days(referrals, at, "referral", describe, rows)]


def _referral_entry(referral: Referral, url: str) -> TimelineEntry:
    parts = [referral.get_outcome_display()]
    if referral.accompanied_by:
        parts.append(_("accompanied by %(user)s") % {"user": referral.accompanied_by})
    if referral.shown_notes:
        parts.append(_short(referral.shown_notes))
    return TimelineEntry(
        at=referral.appointment_at or referral.created_at,
        kind="referral",
        title=_("Referral: %(service)s") % {"service": referral.title},
        detail=" · ".join(parts),
        url=url,
        icon="signpost-split",
    )


# --- Dashboard cards -----------------------------------------------------------------------------


def steps_card(request) -> dict | None:
    """The open steps the user follows that are overdue or due within the week."""
    user = request.user
    if not may(user, "support.edit"):
        return None
    today = timezone.localdate()
    due = Step.objects.filter(open_file("resident"), followed_by=user).due_soon(today)
    rows = list(
        due.select_related("resident")
        .annotate(
            total=Window(Count("pk")), overdue=Window(Count("pk", filter=Q(due_on__lt=today)))
        )
        .order_by("due_on", "pk")[:CARD_ROWS]
    )
    counts = {"total": rows[0].total, "overdue": rows[0].overdue} if rows else {}
    return {"rows": rows, "today": today, "total": 0, "overdue": 0, **counts}


def appointments_card(request) -> dict | None:
    """The appointments the user accompanies in the next two weeks."""
    user = request.user
    if not may(user, "support.edit"):
        return None
    until = timezone.now() + datetime.timedelta(days=APPOINTMENTS_AHEAD_DAYS)
    upcoming = (
        Referral.objects.visible_to(user)
        .upcoming()
        .filter(accompanied_by=user, appointment_at__lt=until)
    )
    rows, total = first_rows_with_total(upcoming.select_related("resident"), CARD_ROWS)
    return {"rows": rows, "total": total, "days": APPOINTMENTS_AHEAD_DAYS}


@dataclass
class Reassessments:
    housed: list[Resident]  # each with `last_assessed_on` (None: never assessed)
    housed_total: int
    exits: list[Placement]
    exits_total: int


def reassessments_due(
    on: datetime.date | None = None, *, limit: int | None = None
) -> Reassessments:
    """Consumption assessments to do: housed people never assessed or not since
    CONSUMPTION_REVIEW_DAYS, and people who left in the last RECENT_EXIT_DAYS without an
    assessment at their exit. Two queries: each list comes with its total."""
    on = on or timezone.localdate()
    housed = (
        Resident.objects.active()
        .filter(pk__in=Placement.objects.current(on).values("resident_id"))
        .annotate(last_assessed_on=Max("consumption_assessments__assessed_on"))
        .filter(
            Q(last_assessed_on__isnull=True)
            | Q(
                last_assessed_on__lte=on - datetime.timedelta(days=settings.CONSUMPTION_REVIEW_DAYS)
            )
        )
        .order_by("last_assessed_on", "nickname", "pk")
        .only("nickname")
    )
    assessed_at_exit = ConsumptionAssessment.objects.filter(
        resident=OuterRef("resident"),
        assessed_on__gte=OuterRef("end") - datetime.timedelta(days=EXIT_ASSESSMENT_WINDOW_DAYS),
    )
    exits = (
        Placement.objects.exits()
        .filter(end__gte=on - datetime.timedelta(days=RECENT_EXIT_DAYS), end__lte=on)
        .exclude(resident__in=Placement.objects.current(on).values("resident_id"))
        .exclude(Exists(assessed_at_exit))
        .select_related("resident")
        .only("end", "resident__nickname")
        .order_by("-end", "pk")
    )
    housed_rows, housed_total = first_rows_with_total(housed, limit)
    exit_rows, exits_total = first_rows_with_total(exits, limit)
    return Reassessments(
        housed=housed_rows, housed_total=housed_total, exits=exit_rows, exits_total=exits_total
    )


def reassessments_card(request) -> dict | None:
    if not may(request.user, "residents.edit"):
        return None
    return {
        "due": reassessments_due(limit=CARD_ROWS),
        "days": settings.CONSUMPTION_REVIEW_DAYS,
    }


def outcomes_card(request) -> dict | None:
    """The manager's view of the last twelve months' consumption outcomes."""
    if not may(request.user, "support.read_outcomes"):
        return None
    today = timezone.localdate()
    return {"summary": outcome_summary(today - datetime.timedelta(days=365), today)}
