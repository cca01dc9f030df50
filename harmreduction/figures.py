"""The figures of this app for a period, as the yearly report prints them.

Each function answers for a half-open period [start, end) of days (Paris time) and is checked by
the tests against a hand-built dataset: the report calls them, it never counts on its own.
"""

import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate, TruncMonth, TruncYear
from django.utils import timezone

from harmreduction.models import (
    CATEGORY_ORDER,
    AdviceSession,
    Collection,
    Item,
    NaloxoneKit,
    NaloxoneTraining,
    Overdose,
    OverdoseOutcome,
    Sample,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
    VoucherStatus,
)
from harmreduction.models.activities import topic_counts

PERIODS = {"month": TruncMonth, "year": TruncYear}


def _moments(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of days as moments: midnight (Paris time) of each. Filtering a timestamp
    between them uses its index, where comparing its `__date` reads the whole table."""
    return tuple(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time())) for day in (start, end)
    )


def _trunc(per: str, expression: str):
    try:
        return PERIODS[per](expression, output_field=DateField())
    except KeyError:
        raise ValueError(f"per must be one of {sorted(PERIODS)}, not {per!r}") from None


def periods(start: datetime.date, end: datetime.date, per: str = "month") -> list[datetime.date]:
    """The first day of each month (or year) touching [start, end)."""
    if per not in PERIODS:
        raise ValueError(f"per must be one of {sorted(PERIODS)}, not {per!r}")
    found = []
    day = start.replace(day=1) if per == "month" else start.replace(month=1, day=1)
    while day < end:
        found.append(day)
        if per == "year":
            day = day.replace(year=day.year + 1)
        else:
            day = (day + datetime.timedelta(days=32)).replace(day=1)
    return found


# --- Material handed out --------------------------------------------------------------------------


@dataclass
class SupplyFigures:
    """Units handed out in [start, end), per month or year, per item and per category."""

    start: datetime.date
    end: datetime.date
    per: str
    periods: list[datetime.date]
    items: list[Item] = field(default_factory=list)  # items with units, in catalogue order
    by_item: dict[int, dict[datetime.date, int]] = field(default_factory=dict)
    by_category: dict[str, dict[datetime.date, int]] = field(default_factory=dict)
    item_totals: dict[int, int] = field(default_factory=dict)
    category_totals: dict[str, int] = field(default_factory=dict)
    total: int = 0
    handouts: int = 0  # distributions (one person, one moment)
    anonymous_handouts: int = 0
    people: int = 0  # distinct residents who received material

    @property
    def categories(self) -> list[str]:
        return sorted(self.category_totals, key=CATEGORY_ORDER.get)


def supply_totals(start: datetime.date, end: datetime.date, *, per: str = "month") -> SupplyFigures:
    """Material handed out in [start, end), per `per` ("month" or "year"), item and category.

    Naloxone kits and sharps boxes given out count here like any item (they are items of the
    catalogue); used material collected back is in `activity_totals`.
    """
    figures = SupplyFigures(start=start, end=end, per=per, periods=periods(start, end, per))
    since, until = _moments(start, end)
    in_period = Q(distribution__given_at__gte=since, distribution__given_at__lt=until)
    rows = (
        SupplyDistributionLine.objects.filter(in_period)
        .annotate(period=_trunc(per, "distribution__given_at"))
        .values("period", "item_id", "item__category")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    by_item: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    by_category: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_item[row["item_id"]][row["period"]] += row["units"]
        by_category[row["item__category"]][row["period"]] += row["units"]
    figures.by_item = {key: dict(value) for key, value in by_item.items()}
    figures.by_category = {key: dict(value) for key, value in by_category.items()}
    figures.item_totals = {key: sum(value.values()) for key, value in figures.by_item.items()}
    figures.category_totals = {
        key: sum(value.values()) for key, value in figures.by_category.items()
    }
    figures.total = sum(figures.item_totals.values())
    figures.items = list(Item.objects.filter(pk__in=figures.by_item).in_catalogue_order())
    handouts = handout_totals(start, end)
    figures.handouts = handouts.handouts
    figures.anonymous_handouts = handouts.anonymous_handouts
    figures.people = handouts.people
    return figures


@dataclass
class HandoutFigures:
    """Handouts of material in [start, end): one handout is one person served at one moment."""

    handouts: int = 0
    anonymous_handouts: int = 0
    people: int = 0  # distinct residents who received material (anonymous handouts: none)


def handout_totals(start: datetime.date, end: datetime.date) -> HandoutFigures:
    """How many handouts, how many of them anonymous, and to how many residents."""
    handouts, anonymous, people = _handouts(start, end).get()
    return HandoutFigures(handouts=handouts, anonymous_handouts=anonymous, people=people)


@dataclass(frozen=True)
class HandoutSummary:
    """Material handed out in [start, end): units per category and the handouts, as
    `supply_totals` counts them, for a page that shows no more (the handouts list's month)."""

    category_totals: dict[str, int]
    handouts: int
    anonymous_handouts: int
    people: int

    @property
    def categories(self) -> list[str]:
        return sorted(self.category_totals, key=CATEGORY_ORDER.get)


def handout_summary(start: datetime.date, end: datetime.date) -> HandoutSummary:
    """The units of each category and the handouts of [start, end). Two queries."""
    units_sql, handouts_sql = _handout_summary_sql(start, end)
    with connection.cursor() as cursor:
        cursor.execute(*units_sql)
        units = dict(cursor.fetchall())
        cursor.execute(*handouts_sql)
        handouts, anonymous, people = cursor.fetchone()
    return HandoutSummary(
        category_totals=units, handouts=handouts, anonymous_handouts=anonymous, people=people
    )


@functools.lru_cache(maxsize=8)
def _handout_summary_sql(start: datetime.date, end: datetime.date):
    """The statements of `handout_summary`, built once per period and process (the ORM takes
    ~1 ms of CPU to build them, more than the database takes to run them); each call asks the
    database."""
    since, until = _moments(start, end)
    units = (
        SupplyDistributionLine.objects.filter(
            distribution__given_at__gte=since, distribution__given_at__lt=until
        )
        .values("item__category")
        .annotate(units=Sum("quantity"))
        .values_list("item__category", "units")
        .order_by()
    )
    return units.query.sql_with_params(), _handouts(start, end).query.sql_with_params()


def _handouts(start: datetime.date, end: datetime.date):
    """The handouts of [start, end) counted: one row (handouts, anonymous, people)."""
    since, until = _moments(start, end)
    return (
        SupplyDistribution.objects.filter(given_at__gte=since, given_at__lt=until)
        .order_by()
        # One group for every handout: a constant is left out of GROUP BY, one row comes back.
        .annotate(every_handout=Value(1))
        .values("every_handout")
        .annotate(
            handouts=Count("pk"),
            anonymous=Count("pk", filter=Q(resident__isnull=True)),
            people=Count("resident", distinct=True),
        )
        .values_list("handouts", "anonymous", "people")
    )


def contacts(start: datetime.date, end: datetime.date) -> tuple[list[QuerySet], dict[str, int]]:
    """The contacts of [start, end) this app records: material handed out, advice given, weekly
    vouchers given. For the residents, querysets of rows (resident_id, day, place: a `Setting`),
    one per record, for the caller to combine (several rows may be one meeting); for anonymous
    people, how many records per `Setting` (each is a contact of its own)."""
    supplies = SupplyDistribution.objects.filter(given_at__date__gte=start, given_at__date__lt=end)
    advice = AdviceSession.objects.filter(held_on__gte=start, held_on__lt=end)
    vouchers = VoucherDistribution.objects.given().filter(
        recorded_at__date__gte=start, recorded_at__date__lt=end
    )
    identified = [
        rows.filter(resident__isnull=False)
        .annotate(day=day, place=F(place))
        .values_list("resident_id", "day", "place")
        .order_by()
        for rows, day, place in (
            (supplies, TruncDate("given_at"), "setting"),
            (advice, F("held_on"), "setting"),
            (vouchers, TruncDate("recorded_at"), "given_where"),
        )
    ]
    anonymous: Counter = Counter()
    for rows in (supplies, advice):
        anonymous.update(
            dict(
                rows.filter(resident__isnull=True)
                .values_list("setting")
                .annotate(count=Count("pk"))
                .order_by()
            )
        )
    return identified, dict(anonymous)


# --- Meal vouchers --------------------------------------------------------------------------------


@dataclass
class VoucherFigures:
    """Weekly vouchers handed out in [start, end) — by the day they were given — and weeks not
    given, by the week they were due."""

    start: datetime.date
    end: datetime.date
    per: str
    periods: list[datetime.date]
    weeks_given: dict[datetime.date, int] = field(default_factory=dict)
    vouchers: dict[datetime.date, int] = field(default_factory=dict)
    value_cents: dict[datetime.date, int] = field(default_factory=dict)
    weeks_given_total: int = 0
    vouchers_total: int = 0
    value_cents_total: int = 0
    people: int = 0
    weeks_not_given: int = 0
    not_given_by_reason: dict[str, int] = field(default_factory=dict)


def voucher_totals(
    start: datetime.date, end: datetime.date, *, per: str = "month"
) -> VoucherFigures:
    """Vouchers handed out in [start, end): weeks, vouchers and value per month or year.

    Corrected lines (unticked) do not count; a catch-up counts on the day it was given. Each line
    keeps the amount and value of its day, so changing the settings never rewrites the past.
    """
    figures = VoucherFigures(start=start, end=end, per=per, periods=periods(start, end, per))
    given = VoucherDistribution.objects.given().filter(
        recorded_at__date__gte=start, recorded_at__date__lt=end
    )
    rows = (
        given.annotate(period=_trunc(per, "recorded_at"))
        .values("period", "quantity", "unit_value_cents")
        .annotate(weeks=Count("pk"))
        .order_by()
    )
    weeks, vouchers, value = Counter(), Counter(), Counter()
    for row in rows:
        weeks[row["period"]] += row["weeks"]
        vouchers[row["period"]] += row["weeks"] * row["quantity"]
        value[row["period"]] += row["weeks"] * row["quantity"] * row["unit_value_cents"]
    figures.weeks_given, figures.vouchers, figures.value_cents = (
        dict(weeks),
        dict(vouchers),
        dict(value),
    )
    figures.weeks_given_total = sum(weeks.values())
    figures.vouchers_total = sum(vouchers.values())
    figures.value_cents_total = sum(value.values())
    figures.people = given.values("resident").distinct().count()
    missed = (
        VoucherDistribution.objects.active()
        .filter(status=VoucherStatus.NOT_GIVEN, week__gte=start, week__lt=end)
        .values("missed_reason")
        .annotate(weeks=Count("pk"))
        .order_by()
    )
    figures.not_given_by_reason = {row["missed_reason"]: row["weeks"] for row in missed}
    figures.weeks_not_given = sum(figures.not_given_by_reason.values())
    return figures


@dataclass
class VoucherWeeks:
    """The person-weeks of vouchers due in [start, end) — every week (Monday in the period) a
    person was housed at least one night of — and what became of each."""

    due: int = 0
    given: int = 0
    not_given_by_reason: dict[str, int] = field(default_factory=dict)
    not_recorded: int = 0


# Each person housed during a week is due its vouchers once, whatever their stays that week; the
# week's active row (at most one per person and week) says what became of it.
_VOUCHER_WEEKS = """
    WITH weeks AS (
        SELECT w::date AS monday
        FROM generate_series(%(first_monday)s::date, %(end)s::date - 1, interval '7 days') AS w
    ), due AS (
        SELECT DISTINCT p.resident_id, weeks.monday
        FROM placements_placement p
        JOIN weeks ON p.start < weeks.monday + 7 AND (p."end" IS NULL OR p."end" > weeks.monday)
    )
    SELECT COALESCE(v.status, ''), COALESCE(v.missed_reason, ''), COUNT(*)
    FROM due
    LEFT JOIN harmreduction_voucherdistribution v
        ON v.resident_id = due.resident_id AND v.week = due.monday AND v.cancelled_at IS NULL
    GROUP BY 1, 2
"""


def voucher_weeks(start: datetime.date, end: datetime.date) -> VoucherWeeks:
    """The weeks of vouchers due in [start, end) and whether each was given, not given (and
    why) or not recorded. A week belongs to the period its Monday falls in, as the weeks not
    given of `voucher_totals`. One query."""
    first_monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
    weeks = VoucherWeeks()
    with connection.cursor() as cursor:
        cursor.execute(_VOUCHER_WEEKS, {"first_monday": first_monday, "end": end})
        rows = cursor.fetchall()
    for status, reason, count in rows:
        weeks.due += count
        if status == VoucherStatus.GIVEN:
            weeks.given += count
        elif status == VoucherStatus.NOT_GIVEN:
            weeks.not_given_by_reason[reason] = count
        else:
            weeks.not_recorded += count
    return weeks


# --- Collection, naloxone, overdoses, advice, drug checking ---------------------------------------


@dataclass
class ActivityFigures:
    sharps_boxes: int = 0
    returned_items: int = 0
    collections_by_hotel: dict[int | None, tuple[int, int]] = field(default_factory=dict)
    naloxone_kits: int = 0
    naloxone_trainings: int = 0
    overdoses: int = 0
    overdoses_with_naloxone: int = 0
    overdoses_by_outcome: dict[str, int] = field(default_factory=dict)
    advice_sessions: int = 0
    advice_by_topic: dict[str, int] = field(default_factory=dict)
    samples_collected: int = 0
    samples_sent: int = 0
    results_unexpected: int = 0


def overdose_deaths(start: datetime.date, end: datetime.date) -> set[int]:
    """The people (residents' ids) recorded as died of an overdose in [start, end); deaths of
    people not identified are in `activity_totals` only."""
    return set(
        Overdose.objects.filter(
            occurred_on__gte=start,
            occurred_on__lt=end,
            outcome=OverdoseOutcome.DIED,
            resident__isnull=False,
        ).values_list("resident_id", flat=True)
    )


def collections_by_hotel(
    start: datetime.date, end: datetime.date
) -> dict[int | None, tuple[int, int]]:
    """Used material collected in [start, end) per hotel (None: brought back to the office), as
    (sharps boxes, loose items returned)."""
    rows = (
        Collection.objects.filter(collected_on__gte=start, collected_on__lt=end)
        .values_list("hotel_id")
        .annotate(boxes=Sum("sharps_boxes"), items=Sum("returned_items"))
        .order_by()
    )
    return {hotel_id: (boxes, items) for hotel_id, boxes, items in rows}


def advice_by_topic_and_setting(
    start: datetime.date, end: datetime.date
) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Advice sessions held in [start, end): per (topic, where) — a session on several topics
    counts under each — and per where, each session once."""
    by_topic: Counter = Counter()
    sessions: Counter = Counter()
    for topics, setting in AdviceSession.objects.filter(
        held_on__gte=start, held_on__lt=end
    ).values_list("topics", "setting"):
        sessions[setting] += 1
        for topic in set(topics):
            by_topic[topic, setting] += 1
    return dict(by_topic), dict(sessions)


@dataclass
class ResultsReturned:
    """Drug-checking results received in [start, end), and whether each was given back to the
    person by the end of the period; apart, the results given back in the period."""

    received: int = 0
    returned: int = 0  # of those received, given back before the end of the period
    returned_in_period: int = 0  # given back in the period, whenever the result came

    @property
    def not_returned(self) -> int:
        return self.received - self.returned

    @property
    def share_returned(self) -> float | None:
        return self.returned / self.received if self.received else None


def results_returned(start: datetime.date, end: datetime.date) -> ResultsReturned:
    received = Q(result_on__gte=start, result_on__lt=end)
    found = Sample.objects.aggregate(
        received=Count("pk", filter=received),
        returned=Count("pk", filter=received & Q(returned_on__lt=end)),
        returned_in_period=Count("pk", filter=Q(returned_on__gte=start, returned_on__lt=end)),
    )
    return ResultsReturned(**found)


def activity_totals(start: datetime.date, end: datetime.date) -> ActivityFigures:
    """The other harm-reduction figures of [start, end), each dated by the day it happened."""
    figures = ActivityFigures()
    figures.collections_by_hotel = collections_by_hotel(start, end)
    figures.sharps_boxes = sum(boxes for boxes, _items in figures.collections_by_hotel.values())
    figures.returned_items = sum(items for _boxes, items in figures.collections_by_hotel.values())

    kits = NaloxoneKit.objects.filter(
        line__distribution__given_at__date__gte=start, line__distribution__given_at__date__lt=end
    ).aggregate(kits=Count("pk"), trained=Count("pk", filter=~Q(training=NaloxoneTraining.NONE)))
    figures.naloxone_kits, figures.naloxone_trainings = kits["kits"], kits["trained"]

    overdoses = Overdose.objects.filter(occurred_on__gte=start, occurred_on__lt=end)
    figures.overdoses_by_outcome = dict(
        overdoses.values_list("outcome").annotate(count=Count("pk")).order_by()
    )
    figures.overdoses = sum(figures.overdoses_by_outcome.values())
    figures.overdoses_with_naloxone = overdoses.filter(naloxone_used=True).count()

    advice = AdviceSession.objects.filter(held_on__gte=start, held_on__lt=end)
    # A session on several topics counts once per topic, and once among the sessions.
    figures.advice_by_topic = dict(topic_counts(advice))
    figures.advice_sessions = advice.count()

    samples = Sample.objects.aggregate(
        collected=Count("pk", filter=Q(collected_on__gte=start, collected_on__lt=end)),
        sent=Count("pk", filter=Q(sent_on__gte=start, sent_on__lt=end)),
        unexpected=Count(
            "pk", filter=Q(result_unexpected=True, result_on__gte=start, result_on__lt=end)
        ),
    )
    figures.samples_collected = samples["collected"]
    figures.samples_sent = samples["sent"]
    figures.results_unexpected = samples["unexpected"]
    return figures
