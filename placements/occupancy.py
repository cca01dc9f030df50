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

from placements.models import MAINSTREAM_HOUSING, Hotel, Place, Placement, PlaceOutage

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
    """Places that count as available in the period: those of active hotels, and any place that
    had a stay in the period (a hotel that left the scheme still counts while it housed people)."""
    used = Placement.objects.overlapping(start, end).values("place_id")
    places = Place.objects.filter(hotel__active=True) | Place.objects.filter(pk__in=used)
    if hotel_id is not None:
        places = places.filter(hotel_id=hotel_id)
    return places.distinct()


def available_place_nights(
    start: datetime.date, end: datetime.date, hotel_id: int | None = None
) -> int:
    """Place-nights offered: counted places × nights of the period, minus out-of-service nights."""
    place_ids = set(counted_places(start, end, hotel_id).values_list("pk", flat=True))
    out = sum(
        count
        for place_id, count in out_of_service_nights_by_place(start, end).items()
        if place_id in place_ids
    )
    return len(place_ids) * (end - start).days - out


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

    The nights and the outages of every month come from one reading each (they are bucketed by
    month already); the places counted are looked up month by month (a place used in a month
    counts in that month only).
    """
    nights: dict[datetime.date, int] = defaultdict(int)
    for (_place_id, month), count in nights_by_place_and_month(start, end).items():
        nights[month] += count
    outages = out_of_service_nights_by_place_and_month(start, end)
    figures = {}
    month = start.replace(day=1)
    while month < end:
        month_start = max(month, start)
        month_end = min((month + datetime.timedelta(days=32)).replace(day=1), end)
        place_ids = set(counted_places(month_start, month_end).values_list("pk", flat=True))
        out = sum(outages.get((place_id, month), 0) for place_id in place_ids)
        available = len(place_ids) * (month_end - month_start).days - out
        figures[month] = (nights.get(month, 0), available)
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
    return Distribution.of(lengths)


def waiting_time(start: datetime.date, end: datetime.date) -> Distribution:
    """Days from the admission request to the entry, for the entries of the period."""
    rows = (
        Placement.objects.entries()
        .filter(start__gte=start, start__lt=end, admission__isnull=False)
        .values_list("start", "admission__received_on")
    )
    return Distribution.of([(entered - received).days for entered, received in rows])


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
    """Place-nights offered by each counted place: the nights of the period minus its
    out-of-service nights (places that do not count are absent from the answer). `place_ids`:
    the counted places when the caller has them already."""
    days = (end - start).days
    if place_ids is None:
        place_ids = counted_places(start, end).values_list("pk", flat=True)
    available = {pk: days for pk in place_ids}
    for place_id, count in out_of_service_nights_by_place(start, end).items():
        if place_id in available:
            available[place_id] -= count
    return available


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
