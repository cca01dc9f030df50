"""Nights, occupancy and flows of the hotel places: the figures of the operator's statement and
of the yearly report. Each function answers for a half-open period [start, end).

A night belongs to the day it starts: a stay [3 May, 5 May) is the nights of 3 and 4 May.
Billable nights are the nights of stays minus the nights of absences marked as released.

Out of service: a place is out of service on a night when an outage covers it **and no stay
does**. An outage over a stay can only come from data recorded before outages were checked
against stays (see `services.outage_save`); the person sleeping there wins: the night counts as
occupied, not as out of service, so a place never reads both and a rate never exceeds 100 %.
`out_of_service_places` (a day) and `out_of_service_nights_by_place` (a period) are the only
definitions: the board, the hotel list, the home cards and the reports all read them.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from placements.models import (
    MAINSTREAM_HOUSING,
    ExitDestination,
    Hotel,
    Place,
    Placement,
    PlaceOutage,
)

_MONTHS = """
    SELECT m::date AS month,
           daterange(m::date, (m + interval '1 month')::date) * daterange(%(start)s, %(end)s) AS r
    FROM generate_series(date_trunc('month', %(start)s::date), %(end)s::date - 1,
                         interval '1 month') AS m
"""

_STAY_NIGHTS = f"""
    WITH months AS ({_MONTHS})
    SELECT p.place_id, months.month,
           SUM(upper(daterange(p.start, p."end") * months.r)
               - lower(daterange(p.start, p."end") * months.r))
    FROM placements_placement p
    JOIN months ON daterange(p.start, p."end") && months.r
    GROUP BY p.place_id, months.month
"""

_RELEASED_NIGHTS = f"""
    WITH months AS ({_MONTHS})
    SELECT p.place_id, months.month,
           SUM(upper(daterange(a.start, a."end") * daterange(p.start, p."end") * months.r)
               - lower(daterange(a.start, a."end") * daterange(p.start, p."end") * months.r))
    FROM placements_absence a
    JOIN placements_placement p ON p.id = a.placement_id
    JOIN months ON daterange(a.start, a."end") * daterange(p.start, p."end") && months.r
    WHERE a.released
    GROUP BY p.place_id, months.month
"""

# Nights of outages, minus those a stay of the same place also covers (the occupied night wins).
# Outages of a place never overlap each other, nor do its stays: the differences add up.
_OUTAGE_NIGHTS = f"""
    WITH months AS ({_MONTHS})
    SELECT o.place_id, months.month,
           SUM(upper(daterange(o.start, o."end") * months.r)
               - lower(daterange(o.start, o."end") * months.r)
               - COALESCE((
                   SELECT SUM(upper(daterange(o.start, o."end") * months.r
                                    * daterange(p.start, p."end"))
                              - lower(daterange(o.start, o."end") * months.r
                                      * daterange(p.start, p."end")))
                   FROM placements_placement p
                   WHERE p.place_id = o.place_id
                     AND daterange(p.start, p."end") && daterange(o.start, o."end") * months.r
               ), 0))::integer
    FROM placements_placeoutage o
    JOIN months ON daterange(o.start, o."end") && months.r
    GROUP BY o.place_id, months.month
"""


def _rows(sql: str, start: datetime.date, end: datetime.date) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": start, "end": end})
        return cursor.fetchall()


# --- Out of service: the one definition -----------------------------------------------------------


def _covering(on: datetime.date) -> Q:
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gt=on))


def out_of_service_places(on: datetime.date, places: QuerySet | None = None) -> QuerySet:
    """The places (of `places`, else all) out of service on the night of `on`: an outage covers
    it and no stay does (an occupied place counts as occupied, see the module's docstring)."""
    places = Place.objects.all() if places is None else places
    return places.filter(
        pk__in=PlaceOutage.objects.filter(_covering(on)).values("place_id")
    ).exclude(pk__in=Placement.objects.filter(_covering(on)).values("place_id"))


def hotels_with_place_counts(on: datetime.date, hotels: QuerySet | None = None) -> QuerySet:
    """Hotels annotated with `place_count` and `out_of_service_count` (per hotel, from
    `out_of_service_places`), in the hotels' own query."""
    hotels = Hotel.objects.all() if hotels is None else hotels
    out = (
        out_of_service_places(on)
        .filter(hotel_id=OuterRef("pk"))
        .order_by()
        .values("hotel_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    places = (
        Place.objects.filter(hotel_id=OuterRef("pk"))
        .order_by()
        .values("hotel_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return hotels.annotate(
        place_count=Coalesce(Subquery(places), 0),
        out_of_service_count=Coalesce(Subquery(out), 0),
    )


def out_of_service_nights_by_place_and_month(
    start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], int]:
    """Nights out of service per (place id, first day of month): the nights of the period on
    which `out_of_service_places` lists the place, counted in one query."""
    nights: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for place_id, month, count in _rows(_OUTAGE_NIGHTS, start, end):
        nights[place_id, month] += int(count or 0)
    return dict(nights)


def out_of_service_nights_by_place(start: datetime.date, end: datetime.date) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for (place_id, _month), count in out_of_service_nights_by_place_and_month(start, end).items():
        totals[place_id] += count
    return dict(totals)


# --- Nights ------------------------------------------------------------------------------------


def nights_by_place_and_month(
    start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], int]:
    """Billable nights per (place id, first day of month)."""
    nights: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for place_id, month, count in _rows(_STAY_NIGHTS, start, end):
        nights[place_id, month] += count or 0
    for place_id, month, count in _rows(_RELEASED_NIGHTS, start, end):
        nights[place_id, month] -= count or 0
    return dict(nights)


def _hotels_of(place_ids) -> dict[int, int]:
    return dict(Place.objects.filter(pk__in=set(place_ids)).values_list("pk", "hotel_id"))


def nights_by_place(start: datetime.date, end: datetime.date) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for (place_id, _month), count in nights_by_place_and_month(start, end).items():
        totals[place_id] += count
    return dict(totals)


def nights_by_hotel_and_month(
    start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], int]:
    by_place = nights_by_place_and_month(start, end)
    hotel_of = _hotels_of(place_id for place_id, _month in by_place)
    totals: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for (place_id, month), count in by_place.items():
        totals[hotel_of[place_id], month] += count
    return dict(totals)


def nights_by_hotel(start: datetime.date, end: datetime.date) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for (hotel_id, _month), count in nights_by_hotel_and_month(start, end).items():
        totals[hotel_id] += count
    return dict(totals)


def counted_places(start: datetime.date, end: datetime.date, hotel_id: int | None = None):
    """Places that count as available in the period: those of the hotels part of the scheme
    during some of it (`Hotel.joined_on`, `Hotel.left_on`; never `active`, so deactivating a
    hotel does not change past reports), and any place that had a stay in the period."""
    used = Placement.objects.overlapping(start, end).values("place_id")
    in_scheme = (Q(hotel__joined_on__isnull=True) | Q(hotel__joined_on__lt=end)) & (
        Q(hotel__left_on__isnull=True) | Q(hotel__left_on__gt=start)
    )
    places = Place.objects.filter(in_scheme) | Place.objects.filter(pk__in=used)
    if hotel_id is not None:
        places = places.filter(hotel_id=hotel_id)
    return places.distinct()


# Sets of nights as sorted lists of disjoint half-open intervals [start, end).
Spans = list[tuple[datetime.date, datetime.date]]


def _union(spans: Spans) -> Spans:
    merged: Spans = []
    for span_start, span_end in sorted(spans):
        if merged and span_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span_end))
        else:
            merged.append((span_start, span_end))
    return merged


def _minus(spans: Spans, holes: Spans) -> Spans:
    left: Spans = []
    for span_start, span_end in spans:
        cursor = span_start
        for hole_start, hole_end in _union(holes):
            if hole_end <= cursor or hole_start >= span_end:
                continue
            if hole_start > cursor:
                left.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
        if cursor < span_end:
            left.append((cursor, span_end))
    return left


# The dates of each place's hotel, and the stays and outages of the places over the period.
_SPANS = """
    SELECT 'hotel', p.id, h.joined_on, h.left_on
    FROM placements_place p JOIN placements_hotel h ON h.id = p.hotel_id
    WHERE p.id = ANY(%(places)s)
    UNION ALL
    SELECT 'stay', s.place_id, s.start, s."end" FROM placements_placement s
    WHERE s.place_id = ANY(%(places)s) AND s.start < %(end)s
      AND (s."end" IS NULL OR s."end" > %(start)s)
    UNION ALL
    SELECT 'outage', o.place_id, o.start, o."end" FROM placements_placeoutage o
    WHERE o.place_id = ANY(%(places)s) AND o.start < %(end)s
      AND (o."end" IS NULL OR o."end" > %(start)s)
"""


def _place_spans(
    start: datetime.date, end: datetime.date, place_ids
) -> tuple[dict[int, Spans], dict[int, Spans], dict[int, Spans]]:
    """For each place of `place_ids`, cut to [start, end): the nights its hotel is part of the
    scheme, the nights of its stays, the nights of its outages. One query."""

    def clip(span_start, span_end) -> Spans:
        low, high = max(span_start or start, start), min(span_end or end, end)
        return [(low, high)] if low < high else []

    windows: dict[int, Spans] = {}
    stays: dict[int, Spans] = defaultdict(list)
    outages: dict[int, Spans] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_SPANS, {"places": list(place_ids), "start": start, "end": end})
        for kind, place_id, span_start, span_end in cursor.fetchall():
            if kind == "hotel":
                windows[place_id] = clip(span_start, span_end)
            elif kind == "stay":
                stays[place_id] += clip(span_start, span_end)
            else:
                outages[place_id] += clip(span_start, span_end)
    return windows, stays, outages


def offered_nights_by_place_and_month(
    start: datetime.date, end: datetime.date, place_ids=None
) -> dict[tuple[int, datetime.date], int]:
    """Place-nights offered per (counted place id, first day of month) of [start, end).

    A place offers the nights its hotel is part of the scheme (`joined_on` to `left_on`) that
    are not out of service, and every night someone slept there (an occupied night is offered,
    whatever the dates: a rate never exceeds 100 %). Out of service nights outside the hotel's
    dates take nothing off. With no dates, a place offers the nights of the period minus its
    out-of-service nights, as `out_of_service_nights_by_place` counts them. One query (two
    without `place_ids`)."""
    if place_ids is None:
        place_ids = counted_places(start, end).values_list("pk", flat=True)
    windows, stays, outages = _place_spans(start, end, place_ids)
    months = []
    month = start.replace(day=1)
    while month < end:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        months.append((month, max(month, start), min(following, end)))
        month = following
    offered: dict[tuple[int, datetime.date], int] = {}
    for place_id, window in windows.items():
        nights = _union(_minus(window, outages[place_id]) + stays[place_id])
        for month, month_start, month_end in months:
            offered[place_id, month] = sum(
                max((min(span_end, month_end) - max(span_start, month_start)).days, 0)
                for span_start, span_end in nights
            )
    return offered


def available_place_nights(
    start: datetime.date, end: datetime.date, hotel_id: int | None = None
) -> int:
    """Place-nights offered by the counted places (`offered_nights_by_place_and_month`)."""
    place_ids = counted_places(start, end, hotel_id).values_list("pk", flat=True)
    return sum(offered_nights_by_place_and_month(start, end, place_ids).values())


def occupancy_rate(
    start: datetime.date, end: datetime.date, hotel_id: int | None = None
) -> float | None:
    """Billable nights ÷ available place-nights, between 0 and 1 (None when nothing was offered)."""
    available = available_place_nights(start, end, hotel_id)
    if available <= 0:
        return None
    if hotel_id is None:
        nights = sum(nights_by_place(start, end).values())
    else:
        nights = nights_by_hotel(start, end).get(hotel_id, 0)
    return nights / available


def nights_and_available_by_month(
    start: datetime.date, end: datetime.date
) -> dict[datetime.date, tuple[int, int]]:
    """(billable nights, place-nights available) per month of [start, end), each month cut to
    the period: for each, `sum(nights_by_place(m).values())` and `available_place_nights(m)`.

    The nights and the place-nights offered of every month come from one reading each (they
    are bucketed by month already): a place offers nothing in the months its hotel was outside
    the scheme and nobody slept there."""
    nights: dict[datetime.date, int] = defaultdict(int)
    for (_place_id, month), count in nights_by_place_and_month(start, end).items():
        nights[month] += count
    available: dict[datetime.date, int] = defaultdict(int)
    for (_place_id, month), count in offered_nights_by_place_and_month(start, end).items():
        available[month] += count
    figures = {}
    month = start.replace(day=1)
    while month < end:
        figures[month] = (nights.get(month, 0), available.get(month, 0))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return figures


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def entries_by_month(start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    """New arrivals in the programme per month (transfers are not entries)."""
    counts: dict[datetime.date, int] = defaultdict(int)
    for day in (
        Placement.objects.entries()
        .filter(start__gte=start, start__lt=end)
        .values_list("start", flat=True)
    ):
        counts[_month(day)] += 1
    return dict(counts)


def exits_by_month(start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    counts: dict[datetime.date, int] = defaultdict(int)
    for day in (
        Placement.objects.exits().filter(end__gte=start, end__lt=end).values_list("end", flat=True)
    ):
        counts[_month(day)] += 1
    return dict(counts)


def exits_by_destination(start: datetime.date, end: datetime.date) -> dict[str, int]:
    rows = (
        Placement.objects.exits()
        .filter(end__gte=start, end__lt=end)
        .values("exit_destination")
        .annotate(count=Count("pk"))
    )
    return {row["exit_destination"]: row["count"] for row in rows}


def exits_by_reason(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The exits of `exits_by_destination`, counted by why the stay ended."""
    rows = (
        Placement.objects.exits()
        .filter(end__gte=start, end__lt=end)
        .values("exit_reason")
        .annotate(count=Count("pk"))
    )
    return {row["exit_reason"]: row["count"] for row in rows}


def mainstream_housing_share(start: datetime.date, end: datetime.date) -> float | None:
    """Share of the exits of the period that went to mainstream housing."""
    exits = exits_by_destination(start, end)
    total = sum(exits.values())
    if not total:
        return None
    return sum(count for dest, count in exits.items() if dest in MAINSTREAM_HOUSING) / total


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float | None
    median: float | None

    @classmethod
    def of(cls, values: list[int]) -> "Distribution":
        if not values:
            return cls(0, None, None)
        return cls(len(values), statistics.fmean(values), statistics.median(values))


def length_of_stay(start: datetime.date, end: datetime.date) -> Distribution:
    """Days in the programme of the people who left in the period, transfers included in the
    same stay (from the first entry to the final exit)."""
    return Distribution.of(lengths_of_stay(start, end))


def lengths_of_stay(start: datetime.date, end: datetime.date) -> list[int]:
    """The days of `length_of_stay`, one per exit of the period."""
    chain = dict(Placement.objects.values_list("pk", "previous_id"))
    starts = dict(Placement.objects.values_list("pk", "start"))
    lengths = []
    for pk, exit_day in (
        Placement.objects.exits().filter(end__gte=start, end__lt=end).values_list("pk", "end")
    ):
        first = pk
        while chain.get(first):
            first = chain[first]
        lengths.append((exit_day - starts[first]).days)
    return lengths


def waiting_time(start: datetime.date, end: datetime.date) -> Distribution:
    """Days from the admission request to the entry, for the entries of the period."""
    rows = (
        Placement.objects.entries()
        .filter(start__gte=start, start__lt=end, admission__isnull=False)
        .values_list("start", "admission__received_on")
    )
    return Distribution.of([(entered - received).days for entered, received in rows])


# --- The operator's yearly figures: people housed, transfers, absences, out of service ---------


def people_housed_on(*days: datetime.date) -> dict[datetime.date, int]:
    """How many people a stay covers on the night of each day (absences included: the person
    still has their place). One query."""
    counts = Placement.objects.aggregate(
        **{
            f"day_{index}": Count("resident", distinct=True, filter=_covering(day))
            for index, day in enumerate(days)
        }
    )
    return {day: counts[f"day_{index}"] for index, day in enumerate(days)}


@dataclass(frozen=True)
class Transfer:
    on: datetime.date
    from_hotel: int
    to_hotel: int | None  # None: the stay it led to is not recorded
    reason: str


def transfers(start: datetime.date, end: datetime.date) -> list[Transfer]:
    """The moves from one place to another in the period (a stay ended as a transfer), dated by
    the day of the move. One query."""
    rows = (
        Placement.objects.filter(
            end__gte=start, end__lt=end, exit_destination=ExitDestination.TRANSFER
        )
        .order_by("end", "pk")
        .values_list("end", "place__hotel_id", "next_placement__place__hotel_id", "transfer_reason")
    )
    return [Transfer(*row) for row in rows]


_ABSENCE_NIGHTS = """
    SELECT a.reason, a.released,
           SUM(upper(daterange(a.start, a."end") * daterange(p.start, p."end")
                     * daterange(%(start)s, %(end)s))
               - lower(daterange(a.start, a."end") * daterange(p.start, p."end")
                       * daterange(%(start)s, %(end)s)))
    FROM placements_absence a
    JOIN placements_placement p ON p.id = a.placement_id
    WHERE daterange(a.start, a."end") * daterange(p.start, p."end")
          && daterange(%(start)s, %(end)s)
    GROUP BY a.reason, a.released
"""


def absence_nights(start: datetime.date, end: datetime.date) -> dict[tuple[str, bool], int]:
    """Nights of absence in the period per (reason, place released), each absence cut to its
    stay (an absence still open runs to the end of the stay or of the period). The released
    ones are the nights `released_nights_by_place` takes off the billable nights. One query."""
    return {
        (reason, released): int(count or 0)
        for reason, released, count in _rows(_ABSENCE_NIGHTS, start, end)
    }


def out_of_service_nights_in_scheme_by_place(
    start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Nights out of service per counted place (`out_of_service_nights_by_place`: an occupied
    night is not out of service), only while the place's hotel is part of the scheme: the
    nights the place-nights available leave out. Places with none are absent. Two queries."""
    place_ids = counted_places(start, end).values_list("pk", flat=True)
    windows, stays, outages = _place_spans(start, end, place_ids)
    nights = {}
    for place_id, window in windows.items():
        out = _minus(_minus(window, _minus(window, outages[place_id])), stays[place_id])
        count = sum((span_end - span_start).days for span_start, span_end in out)
        if count:
            nights[place_id] = count
    return nights


# --- Per place, in bulk: the rows of the operator's monthly statement ---------------------------
# Each returns every figure of the period in a fixed number of queries, so a statement of 610
# places costs the same as one of 2. Summed over a hotel's places they equal the per-hotel
# functions above (tests/test_occupancy_by_place.py checks it on the hand-built dataset).


def stay_nights_by_place(start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Nights of stays per place, released absences included: the nights the place was given."""
    totals: dict[int, int] = defaultdict(int)
    for place_id, _month, count in _rows(_STAY_NIGHTS, start, end):
        totals[place_id] += count or 0
    return dict(totals)


def released_nights_by_place(start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Nights of absences for which the place was released, per place: stay nights minus these
    are the billable nights (`nights_by_place`)."""
    totals: dict[int, int] = defaultdict(int)
    for place_id, _month, count in _rows(_RELEASED_NIGHTS, start, end):
        totals[place_id] += count or 0
    return dict(totals)


def available_place_nights_by_place(
    start: datetime.date, end: datetime.date, place_ids=None
) -> dict[int, int]:
    """Place-nights offered by each counted place (`offered_nights_by_place_and_month`; places
    that do not count are absent from the answer). `place_ids`: the counted places when the
    caller has them already."""
    totals: dict[int, int] = {}
    for (place_id, _month), count in offered_nights_by_place_and_month(
        start, end, place_ids
    ).items():
        totals[place_id] = totals.get(place_id, 0) + count
    return totals


def entries_by_place(start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Arrivals in the programme per place of arrival (transfers are not entries)."""
    rows = (
        Placement.objects.entries()
        .filter(start__gte=start, start__lt=end)
        .values("place_id")
        .annotate(count=Count("pk"))
    )
    return {row["place_id"]: row["count"] for row in rows}


def exits_by_place(start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Departures from the programme per place left (transfers are not exits)."""
    rows = (
        Placement.objects.exits()
        .filter(end__gte=start, end__lt=end)
        .values("place_id")
        .annotate(count=Count("pk"))
    )
    return {row["place_id"]: row["count"] for row in rows}
