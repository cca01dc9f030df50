"""Reads that need care: the waiting list, the dashboard card, the timeline sources of this app."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.db import connection, models
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.policy import may
from core.choices import choice_label
from core.links import object_url
from residents import hooks, timeline
from residents.models import (
    AdmissionRequest,
    AdmissionStatus,
    AssessmentContext,
    ConsumptionLine,
    Frequency,
    Product,
    ReferringStructure,
    Resident,
    Route,
    open_file,
    search_threshold,
)
from residents.priority import WEIGHTS, PriorityScore
from residents.timeline import Days, LaterEntry, Rows, TimelineEntry


class ResidentStatus(models.TextChoices):
    """Where a person stands today, as the list of residents shows and filters it."""

    HOUSED = "housed", pgettext_lazy("resident status", "housed")
    ADMITTED = "admitted", pgettext_lazy("resident status", "admitted, no place")
    WAITING = "waiting", pgettext_lazy("resident status", "waiting")
    ARCHIVED = "archived", pgettext_lazy("resident status", "archived")
    NONE = "none", pgettext_lazy("resident status", "no place, no request")


# The filters the list offers (every status but "none").
STATUS_FILTERS = [status for status in ResidentStatus if status != ResidentStatus.NONE]

# ?sort= value -> order; a person without a place comes last when sorting by hotel or entry.
LIST_ORDERS = {
    "nickname": [F("nickname").asc(), "pk"],
    "-nickname": [F("nickname").desc(), "-pk"],
    "hotel": [
        F("current_hotel").asc(nulls_last=True),
        F("current_room").asc(nulls_last=True),
        F("current_bed").asc(nulls_last=True),
        "nickname",
        "pk",
    ],
    "-hotel": [
        F("current_hotel").desc(nulls_last=True),
        F("current_room").desc(nulls_last=True),
        F("current_bed").desc(nulls_last=True),
        "nickname",
        "pk",
    ],
    "entry": [F("entered_on").asc(nulls_last=True), "nickname", "pk"],
    "-entry": [F("entered_on").desc(nulls_last=True), "nickname", "pk"],
}


def _status() -> Case:
    """The person's status in SQL: archived, else housed today, else admitted and waiting for a
    place (residents.hooks), else on the waiting list, else none of these."""
    requests = AdmissionRequest.objects.filter(resident=OuterRef("pk"))
    admitted = hooks.without_place(requests.filter(status=AdmissionStatus.ADMITTED))
    return Case(
        When(~open_file(), then=Value(ResidentStatus.ARCHIVED)),
        When(current_place_id__isnull=False, then=Value(ResidentStatus.HOUSED)),
        When(Exists(admitted), then=Value(ResidentStatus.ADMITTED)),
        When(Exists(requests.waiting()), then=Value(ResidentStatus.WAITING)),
        default=Value(ResidentStatus.NONE),
        output_field=models.CharField(),
    )


def residents_for_list(
    *, query: str = "", include_archived: bool = False, status: str = "", sort: str = ""
):
    """The residents of the list page, each with its place today and its status, in one query.

    `status` keeps one status (archived files are included when asked for); `sort` is a key of
    LIST_ORDERS, else by best match for a search, by name otherwise.
    """
    residents = Resident.objects.all()
    if not include_archived and status != ResidentStatus.ARCHIVED:
        residents = residents.active()
    if query.strip():
        residents = residents.search(query, indexed=True)
        if status not in ResidentStatus.values and sort not in LIST_ORDERS:
            # Neither filtered nor sorted by place or status: the ids need neither.
            return SearchResults(residents)
    else:
        residents = residents.order_by("nickname", "pk")
    residents = _with_place_and_status(residents)
    if status in ResidentStatus.values:
        residents = residents.filter(status=status)
    if sort in LIST_ORDERS:
        residents = residents.order_by(*LIST_ORDERS[sort])
    return SearchResults(residents) if query.strip() else residents


def _with_place_and_status(residents):
    return hooks.with_current_place(residents).annotate(status=_status())


class SearchResults:
    """The residents found by a search, for the paginator: the ids of all of them in their
    order, in one query, then the rows of the page shown by their ids.

    The ids are read once here, where a queryset would search twice, to count and to show the
    page; through the trigram index (`search_threshold()`).
    """

    def __init__(self, residents):
        with search_threshold():
            self.ids = list(residents.values_list("pk", flat=True))

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Resident]:
        ids = self.ids[index]
        found = _with_place_and_status(Resident.objects.filter(pk__in=ids)).in_bulk()
        return [found[pk] for pk in ids if pk in found]


# --- Duplicates, for many people at once -------------------------------------------------------

_DUPLICATES_IN_BULK = """
    SELECT given.position, found.id
    FROM unnest(%(positions)s::int[], %(nicknames)s::text[], %(full_names)s::text[],
                %(birth_years)s::int[]) AS given(position, nickname, full_name, birth_year)
    CROSS JOIN LATERAL (
        SELECT resident.id,
               GREATEST(
                   word_similarity(residents_unaccent(lower(given.nickname)), resident.search_text),
                   CASE WHEN given.full_name <> '' THEN word_similarity(
                       residents_unaccent(lower(given.full_name)), resident.search_text) END
               ) AS duplicate_rank,
               resident.nickname
        FROM residents_resident AS resident
        WHERE (resident.search_text %%> residents_unaccent(lower(given.nickname))
               OR (given.full_name <> ''
                   AND resident.search_text %%> residents_unaccent(lower(given.full_name))))
          AND (given.birth_year IS NULL OR resident.birth_year = given.birth_year
               OR resident.birth_year IS NULL)
        ORDER BY duplicate_rank DESC, resident.nickname
        LIMIT %(limit)s
    ) AS found
    ORDER BY given.position
"""


def possible_duplicates_in_bulk(people: list[dict], *, limit: int = 3) -> dict[int, list[int]]:
    """`Resident.objects.possible_duplicates()` for many people at once, in one query:
    {position in `people`: the ids of the files found, best first, `limit` at most}.

    Each person is a dict of `possible_duplicates()`'s arguments (nickname required). The same
    conditions, written once more in SQL so that a file of thousands of people is searched in
    one round trip (imports); residents' tests check both give the same files.
    """
    given = [
        (position, person["nickname"].strip(), person)
        for position, person in enumerate(people)
        if person.get("nickname", "").strip()
    ]
    if not given:
        return {}
    found: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _DUPLICATES_IN_BULK,
            {
                "positions": [position for position, _nickname, _person in given],
                "nicknames": [nickname for _position, nickname, _person in given],
                "full_names": [
                    f"{person.get('first_name', '')} {person.get('last_name', '')}".strip()
                    for _position, _nickname, person in given
                ],
                "birth_years": [person.get("birth_year") or None for *_rest, person in given],
                "limit": limit,
            },
        )
        for position, resident_id in cursor.fetchall():
            found.setdefault(position, []).append(resident_id)
    return found


# --- Waiting list --------------------------------------------------------------------------------


@dataclass
class WaitingRow:
    request: AdmissionRequest
    score: PriorityScore
    days_waiting: int
    to_review: bool
    rank: int | None = None

    @property
    def url(self) -> str:
        return object_url("residents:admission_detail", self.request.pk)

    @property
    def referred_by(self) -> str:
        """The structure's label (get_referring_structure_display() rebuilds the choices)."""
        return ReferringStructure(self.request.referring_structure).label


@dataclass(frozen=True)
class WaitingCells:
    """What the waiting list's table writes for one request, as text worked out in Python."""

    rank: str
    url: str
    nickname: str
    to_review: bool
    total: str
    maximum: str
    levels: str
    levels_short: str
    days_waiting: str
    received_on: str
    referred_by: str


def waiting_cells(rows) -> list[WaitingCells]:
    """The cells of the rows shown: each label translated, each date and score written once
    for the page rather than once per row (the template only prints text)."""
    referrers = {value: str(label) for value, label in ReferringStructure.choices}
    criteria = [str(label) for label, _weight in WEIGHTS.values()]
    short_date = get_format("SHORT_DATE_FORMAT")
    dates: dict[datetime.date, str] = {}
    levels: dict[tuple[int, ...], tuple[str, str]] = {}
    cells = []
    for row in rows:
        request, score = row.request, row.score
        key = tuple(part.level for part in score.breakdown)
        if key not in levels:
            levels[key] = (score.levels_with(criteria), score.levels_short_with(criteria))
        if request.received_on not in dates:
            dates[request.received_on] = dateformat.format(request.received_on, short_date)
        cells.append(
            WaitingCells(
                rank=str(row.rank),
                url=row.url,
                nickname=request.resident.nickname,
                to_review=row.to_review,
                total=str(score.total),
                maximum=str(score.maximum),
                levels=levels[key][0],
                levels_short=levels[key][1],
                days_waiting=str(row.days_waiting),
                received_on=dates[request.received_on],
                referred_by=referrers[request.referring_structure],
            )
        )
    return cells


def admitted_without_place_queryset():
    """Admitted requests whose person has not got a place since (see `residents.hooks`).

    An archived file has left the programme: its admission no longer waits for a place.
    """
    admitted = AdmissionRequest.objects.filter(
        open_file("resident"), status=AdmissionStatus.ADMITTED
    )
    return hooks.without_place(admitted).select_related("resident").order_by("decided_on", "pk")


def admitted_without_place() -> list[AdmissionRequest]:
    """The people admitted and waiting for a place, by priority score (highest first), then by
    the day of the decision (oldest first): the order in which places should go to them."""
    requests = list(admitted_without_place_queryset())
    requests.sort(key=lambda request: (-request.priority().total, request.decided_on, request.pk))
    return requests


# What the waiting list and the assignment's candidates read of each request and its person.
WAITING_COLUMNS = (
    "received_on",
    "last_news_on",
    "status",
    "referring_structure",
    "psychic_situation",
    "isolation",
    "vulnerability",
    "resident__nickname",
)


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
        for request in AdmissionRequest.objects.waiting()
        .select_related("resident")
        .only(*WAITING_COLUMNS)
    ]
    rows.sort(key=lambda row: (-row.score.total, row.request.received_on, row.request.pk))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def waiting_list_card(request) -> dict | None:
    if not may(request.user, "residents.read"):
        return None
    return waiting_list_totals()


def waiting_list_totals(on: datetime.date | None = None) -> dict[str, int]:
    """Requests waiting, those to review, and people admitted without a place yet. One query."""
    requests = AdmissionRequest.objects.all()
    return requests.aggregate(
        waiting=Count("pk", filter=Q(pk__in=requests.waiting().values("pk"))),
        to_review=Count("pk", filter=Q(pk__in=requests.to_review(on).values("pk"))),
        admitted_without_place=Count(
            "pk", filter=Q(pk__in=admitted_without_place_queryset().values("pk"))
        ),
    )


# --- Timeline sources of this app ----------------------------------------------------------------


@timeline.reads("residents.Resident")
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


@timeline.reads("residents.AdmissionRequest")
def admission_entries(resident: Resident, user) -> list[LaterEntry]:
    entries = []
    for request in resident.admission_requests.all():
        entries.append(
            LaterEntry(request.received_on, partial(_admission_entry, request), "admission")
        )
        if request.decided_on:
            entries.append(
                LaterEntry(request.decided_on, partial(_decision_entry, request), "admission")
            )
    return entries


def _admission_entry(request: AdmissionRequest) -> TimelineEntry:
    score = request.priority()
    return TimelineEntry(
        at=request.received_on,
        kind="admission",
        title=_("Admission request from %(structure)s")
        % {"structure": request.get_referring_structure_display()},
        detail=_("Priority %(total)s/%(maximum)s")
        % {"total": score.total, "maximum": score.maximum},
        url=reverse("residents:admission_detail", args=[request.pk]),
        icon="door-open",
    )


def _decision_entry(request: AdmissionRequest) -> TimelineEntry:
    return TimelineEntry(
        at=request.decided_on,
        kind="admission",
        title=_("Admission decision: %(status)s") % {"status": request.get_status_display()},
        detail=request.decision_reason,
        url=reverse("residents:admission_detail", args=[request.pk]),
        icon="check2-square",
    )


@timeline.reads("residents.SituationAssessment")
def situation_entries(resident: Resident, user) -> list[LaterEntry]:
    return [
        LaterEntry(
            assessment.assessed_on, partial(_situation_entry, resident, assessment), "situation"
        )
        for assessment in resident.situation_assessments.all()
    ]


def _situation_entry(resident: Resident, assessment) -> TimelineEntry:
    parts = [
        assessment.get_housing_before_display(),
        _("health cover: %(cover)s") % {"cover": assessment.get_health_cover_display()},
    ]
    if assessment.income:
        parts.append(_("income: %(income)s") % {"income": ", ".join(assessment.income_labels())})
    return TimelineEntry(
        at=assessment.assessed_on,
        kind="situation",
        title=_("Social situation assessed"),
        detail=" · ".join(parts),
        url=reverse("residents:situation_update", args=[resident.pk, assessment.pk]),
        icon="clipboard-data",
    )


@timeline.reads("residents.ConsumptionAssessment", "residents.ConsumptionLine")
def consumption_entries(resident: Resident, user) -> list[Days]:
    assessments = resident.consumption_assessments.all()
    rows = Rows(
        assessments.prefetch_related(
            Prefetch("lines", queryset=ConsumptionLine.objects.order_by("-frequency", "product"))
        )
    )
    describe = partial(_consumption_entry, resident)
    return [Days(assessments, "assessed_on", "consumption", describe, rows)]


def _consumption_entry(resident: Resident, assessment) -> TimelineEntry:
    used = [line for line in assessment.lines.all() if line.frequency > Frequency.NOT_USED]
    detail = "; ".join(
        _("%(product)s: %(frequency)s")
        % {
            "product": choice_label(Product, line.product),
            "frequency": choice_label(Frequency, line.frequency).lower()
            + (f" ({choice_label(Route, line.route).lower()})" if line.route else ""),
        }
        for line in used
    )
    return TimelineEntry(
        at=assessment.assessed_on,
        kind="consumption",
        title=_("Consumption assessed (%(context)s)")
        % {"context": choice_label(AssessmentContext, assessment.context).lower()},
        detail=detail or _("No product used in the last 30 days"),
        url=reverse("residents:consumption_update", args=[resident.pk, assessment.pk]),
        icon="activity",
    )
