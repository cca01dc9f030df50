"""Reads that need care: the waiting list, the dashboard card, the timeline sources of this app."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import may
from residents import hooks
from residents.models import (
    AdmissionRequest,
    AdmissionStatus,
    ConsumptionLine,
    Frequency,
    Resident,
    open_file,
)
from residents.priority import PriorityScore
from residents.timeline import TimelineEntry


def residents_for_list(*, query: str = "", include_archived: bool = False):
    residents = Resident.objects.all()
    if not include_archived:
        residents = residents.active()
    if query.strip():
        return residents.search(query)
    return residents.order_by("nickname", "pk")


# --- Waiting list --------------------------------------------------------------------------------


@dataclass
class WaitingRow:
    request: AdmissionRequest
    score: PriorityScore
    days_waiting: int
    to_review: bool
    rank: int | None = None


def admitted_without_place_queryset():
    """Admitted requests whose person has not got a place since (see `residents.hooks`).

    An archived file has left the programme: its admission no longer waits for a place.
    """
    admitted = AdmissionRequest.objects.filter(
        open_file("resident"), status=AdmissionStatus.ADMITTED
    )
    return hooks.without_place(admitted).select_related("resident").order_by("decided_on", "pk")


def admitted_without_place() -> list[AdmissionRequest]:
    return list(admitted_without_place_queryset())


def waiting_list(on: datetime.date | None = None) -> list[WaitingRow]:
    """Waiting requests by priority score (highest first), then by date received (oldest first).

    Sorted in Python with `priority_score()` itself, so the order can never disagree with the
    score shown: the list holds tens of requests, not thousands.
    """
    on = on or timezone.localdate()
    rows = [
        WaitingRow(
            request=request,
            score=request.priority(),
            days_waiting=request.days_waiting(on),
            to_review=request.needs_review(on),
        )
        for request in AdmissionRequest.objects.waiting().select_related("resident")
    ]
    rows.sort(key=lambda row: (-row.score.total, row.request.received_on, row.request.pk))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def waiting_list_card(request) -> dict | None:
    if not may(request.user, "residents.read"):
        return None
    return {
        "waiting": AdmissionRequest.objects.waiting().count(),
        "to_review": AdmissionRequest.objects.to_review().count(),
        "admitted_without_place": admitted_without_place_queryset().count(),
    }


# --- Timeline sources of this app ----------------------------------------------------------------


def file_entries(resident: Resident, user) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            at=resident.created_at, kind="file", title=_("File opened"), icon="folder2-open"
        )
    ]
    if resident.informed_on:
        entries.append(
            TimelineEntry(
                at=resident.informed_on,
                kind="consent",
                title=_("Informed of the data processing"),
                detail=_("Objects to sharing") if resident.objects_to_sharing else "",
                icon="shield-check",
            )
        )
    if resident.archived_at:
        entries.append(
            TimelineEntry(
                at=resident.archived_at, kind="file", title=_("File archived"), icon="archive"
            )
        )
    return entries


def admission_entries(resident: Resident, user) -> list[TimelineEntry]:
    entries = []
    for request in resident.admission_requests.all():
        url = reverse("residents:admission_detail", args=[request.pk])
        score = request.priority()
        entries.append(
            TimelineEntry(
                at=request.received_on,
                kind="admission",
                title=_("Admission request from %(structure)s")
                % {"structure": request.get_referring_structure_display()},
                detail=_("Priority %(total)s/%(maximum)s")
                % {"total": score.total, "maximum": score.maximum},
                url=url,
                icon="door-open",
            )
        )
        if request.decided_on:
            entries.append(
                TimelineEntry(
                    at=request.decided_on,
                    kind="admission",
                    title=_("Admission decision: %(status)s")
                    % {"status": request.get_status_display()},
                    detail=request.decision_reason,
                    url=url,
                    icon="check2-square",
                )
            )
    return entries


def situation_entries(resident: Resident, user) -> list[TimelineEntry]:
    entries = []
    for assessment in resident.situation_assessments.all():
        parts = [
            assessment.get_housing_before_display(),
            _("health cover: %(cover)s") % {"cover": assessment.get_health_cover_display()},
        ]
        if assessment.income:
            parts.append(
                _("income: %(income)s") % {"income": ", ".join(assessment.income_labels())}
            )
        entries.append(
            TimelineEntry(
                at=assessment.assessed_on,
                kind="situation",
                title=_("Social situation assessed"),
                detail=" · ".join(parts),
                url=reverse("residents:situation_update", args=[resident.pk, assessment.pk]),
                icon="clipboard-data",
            )
        )
    return entries


def consumption_entries(resident: Resident, user) -> list[TimelineEntry]:
    assessments = resident.consumption_assessments.prefetch_related(
        Prefetch("lines", queryset=ConsumptionLine.objects.order_by("-frequency", "product"))
    )
    entries = []
    for assessment in assessments:
        used = [line for line in assessment.lines.all() if line.frequency > Frequency.NOT_USED]
        detail = "; ".join(
            _("%(product)s: %(frequency)s")
            % {
                "product": line.get_product_display(),
                "frequency": line.get_frequency_display().lower()
                + (f" ({line.get_route_display().lower()})" if line.route else ""),
            }
            for line in used
        )
        entries.append(
            TimelineEntry(
                at=assessment.assessed_on,
                kind="consumption",
                title=_("Consumption assessed (%(context)s)")
                % {"context": assessment.get_context_display().lower()},
                detail=detail or _("No product used in the last 30 days"),
                url=reverse("residents:consumption_update", args=[resident.pk, assessment.pk]),
                icon="activity",
            )
        )
    return entries
