"""Reads of the other harm-reduction work: the unexpected analysis results card and the
resident's timeline (advice, samples, overdoses)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import may
from harmreduction.models.activities import Sample
from residents import timeline
from residents.timeline import Days, Rows, TimelineEntry

UNEXPECTED_RESULT_DAYS = 30  # how long an unexpected analysis result stays on the dashboards


# --- Dashboard card -------------------------------------------------------------------------------


def sample_alert_card(request) -> dict | None:
    if not may(request.user, "harmreduction.read"):
        return None
    since = timezone.localdate() - datetime.timedelta(days=UNEXPECTED_RESULT_DAYS)
    samples = list(
        Sample.objects.unexpected_since(since).select_related("resident").order_by("-result_on")[:5]
    )
    if not samples:
        return None
    return {"samples": samples, "days": UNEXPECTED_RESULT_DAYS}


# --- The resident's timeline ----------------------------------------------------------------------


@timeline.reads("harmreduction.AdviceSession")
def advice_entries(resident, user) -> list[Days]:
    sessions = resident.advice_sessions.all()
    return [Days(sessions, "held_on", "advice", _advice_entry, Rows(sessions))]


def _advice_entry(session) -> TimelineEntry:
    return TimelineEntry(
        at=session.held_on,
        kind="advice",
        title=_("Harm-reduction advice: %(topic)s") % {"topic": session.topic_labels},
        detail=session.note,
        icon="chat-heart",
    )


@timeline.reads("harmreduction.Sample")
def sample_entries(resident, user) -> list[Days]:
    """Each sample when collected, and when its result came back."""
    samples = resident.samples.all()
    rows = Rows(samples)
    return [
        Days(samples, "collected_on", "sample", _sample_entry, rows),
        Days(samples.filter(result_on__isnull=False), "result_on", "sample", _result_entry, rows),
    ]


def _sample_entry(sample) -> TimelineEntry:
    return TimelineEntry(
        at=sample.collected_on,
        kind="sample",
        title=_("Sample collected for analysis: %(product)s")
        % {"product": sample.presumed_product},
        detail=sample.get_network_display(),
        url=reverse("harmreduction:sample_detail", args=[sample.pk]),
        icon="eyedropper",
    )


def _result_entry(sample) -> TimelineEntry:
    return TimelineEntry(
        at=sample.result_on,
        kind="sample",
        title=_("Unexpected analysis result")
        if sample.result_unexpected
        else _("Analysis result received"),
        detail=sample.result[:160],
        url=reverse("harmreduction:sample_detail", args=[sample.pk]),
        icon="exclamation-triangle" if sample.result_unexpected else "clipboard-check",
    )


@timeline.reads("harmreduction.Overdose")
def overdose_entries(resident, user) -> list[Days]:
    overdoses = resident.overdoses.all()
    return [Days(overdoses, "occurred_on", "overdose", _overdose_entry, Rows(overdoses))]


def _overdose_entry(overdose) -> TimelineEntry:
    return TimelineEntry(
        at=overdose.occurred_on,
        kind="overdose",
        title=_("Overdose: %(outcome)s") % {"outcome": overdose.get_outcome_display().lower()},
        detail=_("naloxone used") if overdose.naloxone_used else "",
        icon="heartbreak",
    )
