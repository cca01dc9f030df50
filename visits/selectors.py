"""Reads that need care: a worker's day, the week grid, the follow-up tables, dashboard cards and
the resident timeline. Each runs a fixed number of queries, whatever the number of visits."""

import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Collate, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.policy import may
from core.links import object_url, url_maker
from core.pagination import first_rows_with_total
from placements.models import Absence, Hotel, Placement
from residents import timeline
from residents.hooks import VisitDates
from residents.timeline import Days, Rows, TimelineEntry
from visits.conflicts import week_conflicts
from visits.models import (
    MET,
    Leave,
    StaffAvailability,
    Visit,
    VisitStatus,
    follow_up_reasons_for,
)

User = get_user_model()
DAY = datetime.timedelta(days=1)


def week_days(monday: datetime.date) -> list[datetime.date]:
    return [monday + n * DAY for n in range(7)]


# --- A worker's day -------------------------------------------------------------------------------


@dataclass
class HotelRound:
    hotel: Hotel
    visits: list[Visit] = field(default_factory=list)

    @property
    def to_do(self) -> int:
        return sum(visit.status == VisitStatus.PLANNED for visit in self.visits)


def day_visits(user, day: datetime.date):
    """The visits of `user` (as either worker of the team) on `day`, in route order. One query."""
    return (
        Visit.objects.of_worker(user)
        .filter(planned_on=day)
        .not_cancelled()
        .select_related("resident", "hotel", "placement__place", "worker", "partner")
        .in_route_order()
    )


# What "My visits" shows of each visit, its person, place and hotel (the round sheet shows more).
DAY_LIST_FIELDS = (
    "status",
    "outcome",
    "unplanned",
    "planned_on",
    "hotel__name",
    "hotel__address",
    "hotel__phone",
    "hotel__arrondissement",
    "resident__nickname",
    "placement__place__floor",
    "placement__place__room",
    "placement__place__bed",
)


def day_list(user, day: datetime.date):
    """`day_visits` with only what the list of the day shows. One query."""
    return (
        day_visits(user, day)
        .select_related(None)
        .select_related("resident", "hotel", "placement__place")
        .only(*DAY_LIST_FIELDS)
    )


def rounds(visits) -> list[HotelRound]:
    """Visits grouped by hotel, keeping their (route) order."""
    grouped: dict[int, HotelRound] = {}
    for visit in visits:
        grouped.setdefault(visit.hotel_id, HotelRound(hotel=visit.hotel)).visits.append(visit)
    return list(grouped.values())


# --- The week grid --------------------------------------------------------------------------------


@dataclass
class GridCell:
    day: datetime.date
    hotel_id: int = 0
    total: int = 0
    done: int = 0
    missed: int = 0
    teams: list[list] = field(default_factory=list)
    on_leave: list = field(default_factory=list)  # team members away that day
    conflicts: list[str] = field(default_factory=list)  # see visits.conflicts
    url: str = ""  # the round's page, for a cell with visits

    @property
    def unassigned(self) -> bool:
        return any(not team for team in self.teams)

    # What the grid shows of a cell, worked out here: the grid has a cell per hotel and day.

    @property
    def team_names(self) -> list[str]:
        """“Alice + Bob” for each team; an empty string for visits without a worker."""
        return [
            " + ".join(member.first_name or member.username for member in team)
            for team in self.teams
        ]

    @property
    def visits_label(self) -> str:
        return ngettext("%(count)s visit", "%(count)s visits", self.total) % {"count": self.total}


@dataclass
class GridRow:
    hotel: Hotel
    cells: list[GridCell]
    housed: bool = True

    @property
    def total(self) -> int:
        return sum(cell.total for cell in self.cells)


@dataclass
class WeekGrid:
    monday: datetime.date
    days: list[datetime.date]
    rows: list[GridRow]
    loads: list[tuple]  # (user, visits that week), heaviest first
    sheets: dict[datetime.date, list]  # day -> (worker, their round sheet's address), by name
    totals: list[int]
    conflicts: list[tuple] = field(default_factory=list)  # (hotel, day, message), by day
    sheets_html: list[tuple] = field(default_factory=list)  # drawn by visits.views._grid_html
    rows_html: str = ""  # the rows of the table, drawn by visits.views._grid_html

    @property
    def unplanned_hotels(self) -> list[GridRow]:
        return [row for row in self.rows if row.housed and row.total == 0]


# The hotels of the grid, with what it shows; the workers of the week; their leave overlapping it.
_GRID_HOTELS_SQL = """
    SELECT id, name, arrondissement FROM placements_hotel WHERE id = ANY(%s)
    ORDER BY arrondissement, name, id
"""
_GRID_USERS_SQL = "SELECT * FROM accounts_user WHERE id = ANY(%s)"
_GRID_LEAVES_SQL = """
    SELECT * FROM visits_leave
    WHERE user_id = ANY(%s) AND start < %s AND ("end" IS NULL OR "end" > %s)
"""


@functools.lru_cache(maxsize=8)
def _week_grid_sql(monday: datetime.date) -> tuple[tuple[str, tuple], tuple[str, tuple]]:
    """The SQL of the two queries of `week_grid` that depend on the week only (the counts by
    hotel, day and team; the hotels housing someone), built once a week and process: the ORM
    took ~1 ms of CPU to build them on each request. Only the statements are kept, never a
    row: each call asks the database."""
    counts = (
        Visit.objects.in_week(monday)
        .not_cancelled()
        .values("hotel_id", "planned_on", "worker_id", "partner_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=VisitStatus.DONE)),
            missed=Count("pk", filter=Q(status=VisitStatus.MISSED)),
        )
        .values_list("hotel_id", "planned_on", "worker_id", "partner_id", "total", "done", "missed")
        .order_by()
    )
    housed = (
        Placement.objects.overlapping(monday, monday + 7 * DAY)
        .order_by()
        .values_list("place__hotel_id", flat=True)
        .distinct()  # the forty hotels, not the stays
    )
    return counts.query.sql_with_params(), housed.query.sql_with_params()


def week_grid(monday: datetime.date) -> WeekGrid:
    """Hotels × days of a week: visits, their teams, what is done. Five queries.

    Rows are the hotels with visits that week and those housing someone (a hotel with residents
    and no visit stands out). A team member on leave on a day they are planned is flagged, and
    so are the roster's conflicts left (`visits.conflicts.week_conflicts`, two more queries).
    """
    days = week_days(monday)
    end = monday + 7 * DAY
    counts_sql, housed_sql = _week_grid_sql(monday)
    with connection.cursor() as cursor:
        # fetchall: iterating Django's cursor wraps each row's fetch in its error handler.
        cursor.execute(*counts_sql)
        counts = cursor.fetchall()  # (hotel, day, worker, partner, total, done, missed)
        cursor.execute(*housed_sql)
        housed = {hotel_id for (hotel_id,) in cursor.fetchall()}
    hotel_ids = housed | {row[0] for row in counts}
    # Written out (raw): the ORM took longer to build these three statements than to read them.
    hotels = Hotel.objects.raw(_GRID_HOTELS_SQL, [list(hotel_ids)]) if hotel_ids else []
    worker_ids = list({pk for row in counts for pk in row[2:4]} - {None})
    users = {}
    leaves = defaultdict(list)
    if worker_ids:
        users = {user.pk: user for user in User.objects.raw(_GRID_USERS_SQL, [worker_ids])}
        for leave in Leave.objects.raw(_GRID_LEAVES_SQL, [worker_ids, end, monday]):
            leaves[leave.user_id].append(leave)

    cells: dict[tuple[int, datetime.date], GridCell] = {}
    # What each cell has already, by ids (comparing accounts compares their pk, slower).
    seen_teams: dict[tuple[int, datetime.date], set] = defaultdict(set)
    seen_away: dict[tuple[int, datetime.date], set] = defaultdict(set)
    loads: Counter = Counter()
    sheets: dict[datetime.date, set] = defaultdict(set)
    round_url = url_maker("visits:round_detail", int, datetime.date)
    for hotel_id, day, worker_id, partner_id, total, done, missed in counts:
        key = (hotel_id, day)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = GridCell(day, hotel_id, url=round_url(hotel_id, day))
        cell.total += total
        cell.done += done
        cell.missed += missed
        team_ids = tuple(pk for pk in (worker_id, partner_id) if pk in users)
        if team_ids not in seen_teams[key]:
            seen_teams[key].add(team_ids)
            cell.teams.append([users[pk] for pk in team_ids])
        for pk in team_ids:
            loads[pk] += total
            sheets[day].add(pk)
            if pk not in seen_away[key] and any(leave.covers(day) for leave in leaves[pk]):
                seen_away[key].add(pk)
                cell.on_leave.append(users[pk])
    hotels = list(hotels)
    by_id = {hotel.pk: hotel for hotel in hotels}
    remaining = []
    for conflict in week_conflicts(monday, users):
        cell = cells.get((conflict.hotel_id, conflict.day))
        if cell is not None and conflict.hotel_id in by_id:
            cell.conflicts.append(conflict.message)
            remaining.append((by_id[conflict.hotel_id], conflict.day, conflict.message))
    rows = [
        GridRow(
            hotel=hotel,
            cells=[cells.get((hotel.pk, day), GridCell(day)) for day in days],
            housed=hotel.pk in housed,
        )
        for hotel in hotels
    ]
    sheet_url = url_maker("visits:round_sheet", datetime.date, int)
    return WeekGrid(
        conflicts=sorted(remaining, key=lambda item: (item[1], item[0].name)),
        monday=monday,
        days=days,
        rows=rows,
        loads=sorted(
            ((users[pk], count) for pk, count in loads.items()),
            key=lambda item: (-item[1], str(item[0])),
        ),
        sheets={
            day: [
                (user, sheet_url(day, user.pk))
                for user in sorted((users[pk] for pk in sheets[day]), key=str)
            ]
            for day in days
            if sheets[day]
        },
        totals=[sum(row.cells[n].total for row in rows) for n in range(len(days))],
    )


def round_visits(hotel, day: datetime.date):
    return (
        Visit.objects.filter(hotel=hotel, planned_on=day)
        .select_related("resident", "placement__place", "worker", "partner", "logged_by")
        .in_route_order()
    )


def resident_visit_dates(resident) -> VisitDates:
    """The next visit planned for the person from today on and the last day they were met, for
    the top of their page (residents.hooks.visit_dates). One query."""
    dates = Visit.objects.filter(resident=resident).aggregate(
        next_planned=Min(
            "planned_on",
            filter=Q(status=VisitStatus.PLANNED, planned_on__gte=timezone.localdate()),
        ),
        last_seen=Max("planned_on", filter=Q(status=VisitStatus.DONE, outcome__in=MET)),
    )
    return VisitDates(dates["next_planned"], dates["last_seen"])


# --- Follow-up: who was seen, who was not ---------------------------------------------------------


def last_met(resident_ids, until: datetime.date | None = None) -> dict[int, datetime.date]:
    """The last day (up to `until`) the team met each person: seen, or refused at the door.
    One query."""
    visits = Visit.objects.filter(
        resident_id__in=resident_ids, status=VisitStatus.DONE, outcome__in=MET
    )
    if until is not None:
        visits = visits.filter(planned_on__lte=until)
    return dict(
        visits.values("resident_id")
        .annotate(last=Max("planned_on"))
        .values_list("resident_id", "last")
        .order_by()
    )


# Written once: the ORM took ~1 ms of CPU to build this grouped query on each board page.
_LAST_DONE_VISITS_SQL = """
    SELECT resident_id, max(planned_on) FROM visits_visit
    WHERE status = %(done)s AND resident_id = ANY(%(residents)s)
    GROUP BY resident_id
"""


def last_done_visits(resident_ids) -> dict[int, datetime.date]:
    """For placements.hooks (the occupancy board): the day of each person's last visit made.
    One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _LAST_DONE_VISITS_SQL,
            {"done": VisitStatus.DONE.value, "residents": list(resident_ids)},
        )
        return dict(cursor.fetchall())


@dataclass
class ResidentWeek:
    stay_id: int
    resident_id: int
    nickname: str
    planned: int
    done: int
    last_seen: datetime.date | None
    days_unseen: int
    away: Absence | None
    hotel_name: str = ""
    place_label: str = ""

    @property
    def resident_url(self) -> str:
        return object_url("residents:resident_detail", self.resident_id)

    @property
    def alert(self) -> bool:
        return self.away is None and self.days_unseen >= settings.VISIT_ALERT_DAYS


class _DaysBetween(Func):
    """`later - earlier` in days (PostgreSQL subtracts dates in days)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def _follow_up_reference(monday: datetime.date, on: datetime.date) -> datetime.date:
    """The day the follow-up of the week of `monday` is seen from: `on`, or the Sunday of a
    past week."""
    return min(on, monday + 6 * DAY)


def week_follow_up(
    monday: datetime.date, on: datetime.date | None = None, *, alerts_only: bool = False
):
    """Every person housed during the week (their latest stay of the week): visits planned and
    done that week, the last time they were met and for how long they have not been, longest
    first (then by name, compared as Python compares strings). A queryset of stays, sorted
    and filtered by the database: the page reads the fifty it shows (`follow_up_rows`) and
    the totals (`follow_up_totals`), not the hundreds of people housed.
    """
    on = on or timezone.localdate()
    end = monday + 7 * DAY
    reference = _follow_up_reference(monday, on)  # a past week is seen from its Sunday
    latest = (
        Placement.objects.overlapping(monday, end)
        .order_by("resident_id", "-start", "-pk")
        .distinct("resident_id")
        .values("pk")
    )
    in_week = (
        Visit.objects.in_week(monday)
        .filter(resident_id=OuterRef("resident_id"))
        .order_by()
        .values("resident_id")
    )
    planned = Q(unplanned=False) & ~Q(status=VisitStatus.CANCELLED)
    met = Visit.objects.filter(
        resident_id=OuterRef("resident_id"),
        status=VisitStatus.DONE,
        outcome__in=MET,
        planned_on__lte=reference,
    ).order_by("-planned_on")
    away = (
        Absence.objects.filter(placement=OuterRef("pk"), start__lte=reference)
        .filter(Q(end__isnull=True) | Q(end__gt=reference))
        .order_by("-start", "-pk")
    )
    stays = Placement.objects.filter(pk__in=latest).annotate(
        planned=Coalesce(Subquery(in_week.annotate(n=Count("pk", filter=planned)).values("n")), 0),
        done=Coalesce(
            Subquery(
                in_week.annotate(n=Count("pk", filter=Q(status=VisitStatus.DONE))).values("n")
            ),
            0,
        ),
        last_seen=Subquery(met.values("planned_on")[:1]),
        away_id=Subquery(away.values("pk")[:1]),
        days_unseen=Greatest(
            _DaysBetween(Value(reference, DateField()), Coalesce("last_seen", "start")), 0
        ),
    )
    if alerts_only:
        stays = stays.filter(away_id__isnull=True, days_unseen__gte=settings.VISIT_ALERT_DAYS)
    return stays.order_by("-days_unseen", Collate("resident__nickname", "C"), "resident_id")


# The columns of a follow-up line, in the order `_follow_up_sql`'s rows statement reads them.
_FOLLOW_UP_COLUMNS = (
    "pk",
    "resident_id",
    "resident__nickname",
    "planned",
    "done",
    "last_seen",
    "days_unseen",
    "away_id",
    "place__hotel__name",
    "place__room",
    "place__bed",
)


@functools.lru_cache(maxsize=32)
def _follow_up_sql(
    monday: datetime.date, reference: datetime.date, alerts_only: bool, alert_days: int
) -> tuple[str, tuple, str, tuple]:
    """The two statements of the follow-up page for a week seen from `reference` (its totals;
    its lines, to which the caller adds LIMIT and OFFSET), built once a process for each week,
    day and filter: the ORM took ~3 ms of CPU to build and compile the subqueries of
    `week_follow_up` on each page. Only the statements are kept, never a result: each page
    asks the database. `alert_days` (settings.VISIT_ALERT_DAYS, which the filter reads) is
    part of the key."""
    stays = week_follow_up(monday, reference, alerts_only=alerts_only)
    inner, inner_params = stays.order_by().values("done").query.sql_with_params()
    totals_sql = (
        "SELECT count(*) AS housed, count(*) FILTER (WHERE stays.done >= 2) AS complete "
        f"FROM ({inner}) AS stays"
    )
    rows_sql, rows_params = stays.values_list(*_FOLLOW_UP_COLUMNS).query.sql_with_params()
    return totals_sql, tuple(inner_params), f"{rows_sql} LIMIT %s OFFSET %s", tuple(rows_params)


def _follow_up_statements(monday: datetime.date, on: datetime.date | None, alerts_only: bool):
    on = on or timezone.localdate()
    return _follow_up_sql(
        monday, _follow_up_reference(monday, on), alerts_only, settings.VISIT_ALERT_DAYS
    )


def follow_up_totals(
    monday: datetime.date, on: datetime.date | None = None, *, alerts_only: bool = False
) -> dict:
    """People in `week_follow_up` and those who had their two visits. One query."""
    sql, params, _rows, _params = _follow_up_statements(monday, on, alerts_only)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        housed, complete = cursor.fetchone()
    return {"housed": housed, "complete": complete}


def follow_up_rows(
    monday: datetime.date,
    on: datetime.date | None = None,
    *,
    alerts_only: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> list[ResidentWeek]:
    """The lines `offset` to `offset + limit` of `week_follow_up`, with the person's name, the
    place, the hotel and the absence under way. Two queries (none without a line to read)."""
    if limit <= 0:
        return []
    _totals, _params, sql, params = _follow_up_statements(monday, on, alerts_only)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit, offset))
        lines = cursor.fetchall()
    absences = Absence.objects.in_bulk({line[7] for line in lines} - {None})
    room_pattern = _("Room %(room)s%(bed)s")  # Place.label, translated once a page
    return [
        ResidentWeek(
            stay_id=stay_id,
            resident_id=resident_id,
            nickname=nickname,
            planned=planned,
            done=done,
            last_seen=last_seen,
            days_unseen=days_unseen,
            away=absences.get(away_id),
            hotel_name=hotel_name,
            place_label=room_pattern % {"room": room, "bed": f" {bed}" if bed else ""},
        )
        for (
            stay_id,
            resident_id,
            nickname,
            planned,
            done,
            last_seen,
            days_unseen,
            away_id,
            hotel_name,
            room,
            bed,
        ) in lines
    ]


@dataclass
class NotSeen:
    stay: Placement
    last_seen: datetime.date | None
    days_unseen: int

    @property
    def resident(self):
        return self.stay.resident


def residents_not_seen(on: datetime.date | None = None, *, limit: int | None = None):
    """People housed on `on` and not met for VISIT_ALERT_DAYS days or more (counted from their
    entry when never met), except those known to be away; longest first. Returns the first
    `limit` of them and how many there are in all.

    One query: the people housed and not met in the last days (one lookup of the recent visits
    for everyone), with the day of their last meeting for those only; a stay begun in the last
    days is flagged only if the person was met before it.
    """
    on = on or timezone.localdate()
    alert_since = on - datetime.timedelta(days=settings.VISIT_ALERT_DAYS)
    met_recently = Visit.objects.filter(
        status=VisitStatus.DONE, outcome__in=MET, planned_on__gt=alert_since, planned_on__lte=on
    ).values("resident_id")
    last_met_on = (
        Visit.objects.filter(
            resident=OuterRef("resident"),
            status=VisitStatus.DONE,
            outcome__in=MET,
            planned_on__lte=on,
        )
        .order_by("-planned_on")
        .values("planned_on")[:1]
    )
    away = Absence.objects.filter(placement=OuterRef("pk"), start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gt=on)
    )
    stays = (
        Placement.objects.current(on)
        .exclude(resident__in=met_recently)
        .exclude(Exists(away))
        .annotate(last_seen=Subquery(last_met_on))
        .filter(Q(start__lte=alert_since) | Q(last_seen__isnull=False))
        .select_related("resident", "place__hotel")
        .order_by(Coalesce("last_seen", "start"), "resident__nickname", "pk")
    )
    stays, total = first_rows_with_total(stays, limit)
    return [
        NotSeen(stay, stay.last_seen, (on - (stay.last_seen or stay.start)).days) for stay in stays
    ], total


# --- Per worker -----------------------------------------------------------------------------------


@dataclass
class WorkerStats:
    user: object
    planned: int = 0
    done: int = 0
    missed: int = 0
    to_come: int = 0

    @property
    def done_rate(self) -> float | None:
        past = self.done + self.missed
        return self.done / past * 100 if past else None


def worker_stats(start: datetime.date, end: datetime.date, on: datetime.date | None = None):
    """For each worker, in [start, end]: visits planned (not cancelled), made, not made (marked so,
    or still planned after their day) and still to come. Three queries."""
    on = on or timezone.localdate()
    aggregates = {
        "planned": Count("pk"),
        "done": Count("pk", filter=Q(status=VisitStatus.DONE)),
        "missed": Count(
            "pk",
            filter=Q(status=VisitStatus.MISSED) | Q(status=VisitStatus.PLANNED, planned_on__lt=on),
        ),
        "to_come": Count("pk", filter=Q(status=VisitStatus.PLANNED, planned_on__gte=on)),
    }
    visits = Visit.objects.filter(planned_on__gte=start, planned_on__lte=end).not_cancelled()
    stats: dict[int, dict[str, int]] = defaultdict(Counter)
    for column in ("worker_id", "partner_id"):
        rows = (
            visits.filter(**{f"{column}__isnull": False})
            .values(column)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            for key in aggregates:
                stats[row[column]][key] += row[key]
    rostered = set(
        StaffAvailability.objects.filter(on_roster=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    users = User.objects.in_bulk(set(stats) | rostered)
    rows = [WorkerStats(user=users[pk], **stats.get(pk, {})) for pk in users]
    return sorted(rows, key=lambda row: (str(row.user.last_name), str(row.user)))


# --- Dashboard cards ------------------------------------------------------------------------------


def today_card(request) -> dict | None:
    user = request.user
    if not may(user, "visits.log"):
        return None
    visits = Visit.objects.of_worker(user).filter(planned_on=timezone.localdate()).not_cancelled()
    counts = visits.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=~Q(status=VisitStatus.PLANNED)),
    )
    if not counts["total"] and not StaffAvailability.objects.filter(user=user).exists():
        return None
    return {
        "total": counts["total"],
        "logged": counts["done"],
        "to_do": counts["total"] - counts["done"],
    }


CARD_NAMES = 5


def not_seen_card(request) -> dict | None:
    if not may(request.user, "visits.read"):
        return None
    rows, count = residents_not_seen(limit=CARD_NAMES)
    return {"count": count, "rows": rows, "days": settings.VISIT_ALERT_DAYS}


def follow_up_card(request) -> dict | None:
    reasons = follow_up_reasons_for(request.user)
    if not reasons:
        return None
    alerts = list(
        Visit.objects.open_follow_ups()
        .filter(follow_up_reason__in=reasons)
        .select_related("resident", "hotel", "logged_by")
        .order_by("-planned_on", "-pk")[: CARD_NAMES + 1]
    )
    return {"alerts": alerts[:CARD_NAMES], "more": len(alerts) > CARD_NAMES}


def follow_ups_for(user):
    return (
        Visit.objects.open_follow_ups()
        .filter(follow_up_reason__in=follow_up_reasons_for(user))
        .with_medical_note_for(user)
        .select_related("resident", "hotel", "logged_by")
        .order_by("-planned_on", "-pk")
    )


# --- Timeline source of the resident page ---------------------------------------------------------


@timeline.reads("visits.Visit", "placements.Hotel", "accounts.User")
def visit_entries(resident, user) -> list[Days]:
    """Visits made or not made, one entry each, with their observations. One query for the
    days, one for the visits shown."""
    visits = Visit.objects.filter(resident=resident).filter(
        status__in=[VisitStatus.DONE, VisitStatus.MISSED]
    )
    rows = Rows(visits.select_related("hotel", "logged_by"))
    return [Days(visits, "planned_on", "visit", _visit_entry, rows)]


def _visit_entry(visit: Visit) -> TimelineEntry:
    if visit.status == VisitStatus.MISSED:
        title = _("Home visit not made")
        icon = "calendar-x"
    else:
        kind = _("Unplanned visit") if visit.unplanned else _("Home visit")
        title = _("%(kind)s: %(outcome)s") % {
            "kind": kind,
            "outcome": visit.get_outcome_display().lower(),
        }
        icon = "door-open" if visit.outcome in MET else "door-closed"
    parts = [
        _("%(label)s: %(text)s") % {"label": label, "text": text}
        for label, text in visit.observations()
    ]
    if visit.follow_up_reason:
        parts.insert(
            0, _("Follow-up: %(reason)s") % {"reason": visit.get_follow_up_reason_display()}
        )
    if visit.follow_up_closed_at and visit.follow_up_handled_note:
        parts.insert(1, _("handled: %(what)s") % {"what": visit.follow_up_handled_note})
    elif visit.follow_up_closed_at:
        parts.insert(1, _("handled"))
    return TimelineEntry(
        at=visit.planned_on,
        kind="visit",
        title=title,
        detail=Truncator(" · ".join(parts)).chars(160),
        url=reverse("visits:visit_detail", args=[visit.pk]),
        icon=icon,
    )
