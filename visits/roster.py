"""The weekly roster: two home visits a week for every housed resident.

`roster_generate(week=...)` plans one week in a fixed number of queries, whatever the number of
residents (an advisory lock, five reads, one bulk insert). It only ever adds visits:

- a resident already planned twice that week (counting visits the coordinator cancelled by hand)
  gets nothing more, so running it twice, or after the coordinator's changes, adds nothing and
  changes nothing;
- visits are planned from `from_day` (today by default) to Sunday, on the days the person is
  housed and not known to be away (an absence of the stay);
- residents are grouped by hotel: each hotel gets a pair of days far enough apart (Monday and
  Thursday, Tuesday and Friday…) and, on each of those days, one team (a pair of workers, or one
  when only one is available) for all its residents, so one trip covers the hotel;
- days and teams are chosen to balance the load: a day's visits per available worker, and each
  worker's visits per day worked that week. A worker is available on a day they work (their
  `StaffAvailability`) and are not on leave.

`plan_week()` is the pure part (no query), which `visits.demo` reuses to build the demo's history.
"""

import datetime
import itertools
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from placements.models import Absence, Placement
from visits.models import Leave, StaffAvailability, Visit, VisitStatus

VISITS_PER_WEEK = 2
MIN_GAP = 2  # days between two visits of a person in a week, at least
# Cost of a gap between a hotel's two days, in "one more hotel that day": three days is the rhythm.
GAP_PENALTY = {2: 1.0, 3: 0.0, 4: 0.25, 5: 1.0, 6: 2.0}
WORKING_WEEK = frozenset(range(5))  # days planned, unassigned, when nobody is on the roster
LOCK_NAMESPACE = 5_000_005  # pg_advisory_xact_lock(namespace, week): one generator per week


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class StayRow:
    placement_id: int
    resident_id: int
    hotel_id: int
    start: datetime.date
    end: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class ExistingVisit:
    resident_id: int
    hotel_id: int
    day: datetime.date
    status: str
    manually_edited: bool
    unplanned: bool
    worker_id: int | None
    partner_id: int | None

    @property
    def counts(self) -> bool:
        """One of the person's two planned visits: a roster visit not cancelled by the system."""
        return not self.unplanned and (self.status != VisitStatus.CANCELLED or self.manually_edited)

    @property
    def occupies(self) -> bool:
        return self.status != VisitStatus.CANCELLED


@dataclass
class RosterInput:
    monday: datetime.date
    from_day: datetime.date
    stays: list[StayRow]
    absences: dict[int, list[tuple[datetime.date, datetime.date | None]]]
    existing: list[ExistingVisit]
    weekdays: dict[int, frozenset[int]]  # worker -> days worked (0 = Monday)
    leaves: dict[int, list[tuple[datetime.date, datetime.date | None]]]
    resident_ids: frozenset[int] | None = None

    @property
    def days(self) -> list[datetime.date]:
        """The days that can still be planned."""
        week = [self.monday + datetime.timedelta(days=n) for n in range(7)]
        return [day for day in week if day >= self.from_day]


@dataclass
class RosterResult:
    week: datetime.date
    created: int = 0
    residents: int = 0
    unassigned: int = 0
    visits: list[Visit] = field(default_factory=list, repr=False)


def roster_generate(
    *,
    week: datetime.date,
    from_day: datetime.date | None = None,
    resident_ids: Collection[int] | None = None,
) -> RosterResult:
    """Plan the missing visits of the week of `week`, from `from_day` (today) on.

    `resident_ids` limits the planning to these people (a stay that just started); the loads and
    the hotels' days still take every visit of the week into account.
    """
    monday = week_start(week)
    from_day = max(from_day or timezone.localdate(), monday)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, monday.toordinal()]
            )
        data = load_input(monday, from_day, resident_ids)
        result = plan_week(data)
        if result.visits:
            Visit.objects.bulk_create(result.visits)
    return result


def load_input(
    monday: datetime.date, from_day: datetime.date, resident_ids: Collection[int] | None = None
) -> RosterInput:
    """Everything the planner reads, in five queries."""
    end = monday + datetime.timedelta(days=7)
    stays = Placement.objects.overlapping(max(from_day, monday), end)
    if resident_ids is not None:
        stays = stays.filter(resident_id__in=resident_ids)
    stay_rows = [
        StayRow(*row)
        for row in stays.values_list("pk", "resident_id", "place__hotel_id", "start", "end")
    ]
    absences = defaultdict(list)
    for placement_id, start, absence_end in (
        Absence.objects.filter(placement_id__in=[row.placement_id for row in stay_rows])
        .filter(start__lt=end)
        .exclude(end__lte=from_day)
        .values_list("placement_id", "start", "end")
    ):
        absences[placement_id].append((start, absence_end))
    existing = [
        ExistingVisit(*row)
        for row in Visit.objects.in_week(monday).values_list(
            "resident_id",
            "hotel_id",
            "planned_on",
            "status",
            "manually_edited",
            "unplanned",
            "worker_id",
            "partner_id",
        )
    ]
    weekdays = {
        user_id: frozenset(days)
        for user_id, days in StaffAvailability.objects.filter(
            on_roster=True, user__is_active=True
        ).values_list("user_id", "weekdays")
        if days
    }
    leaves = defaultdict(list)
    for user_id, start, leave_end in (
        Leave.objects.filter(user_id__in=weekdays)
        .overlapping(monday, end)
        .values_list("user_id", "start", "end")
    ):
        leaves[user_id].append((start, leave_end))
    return RosterInput(
        monday=monday,
        from_day=from_day,
        stays=stay_rows,
        absences=dict(absences),
        existing=existing,
        weekdays=weekdays,
        leaves=dict(leaves),
        resident_ids=frozenset(resident_ids) if resident_ids is not None else None,
    )


def _covered(periods, day: datetime.date) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in periods)


class _Planner:
    def __init__(self, data: RosterInput):
        self.data = data
        self.days = data.days
        self.available = {
            day: sorted(
                worker
                for worker, weekdays in data.weekdays.items()
                if day.weekday() in weekdays and not _covered(data.leaves.get(worker, ()), day)
            )
            for day in self.days
        }
        self.workable = [day for day in self.days if self.available[day]]
        if not data.weekdays:
            self.workable = [day for day in self.days if day.weekday() in WORKING_WEEK]
        self.worker_days = Counter(w for day in self.days for w in self.available[day])
        self.load: Counter = Counter()
        self.day_load: Counter = Counter()
        self.teams: dict[tuple[int, datetime.date], tuple[int | None, int | None]] = {}
        team_votes: dict[tuple[int, datetime.date], Counter] = defaultdict(Counter)
        for visit in data.existing:
            if not visit.occupies:
                continue
            self.day_load[visit.day] += 1
            for worker in (visit.worker_id, visit.partner_id):
                if worker is not None:
                    self.load[worker] += 1
            if not visit.unplanned:
                team_votes[(visit.hotel_id, visit.day)][(visit.worker_id, visit.partner_id)] += 1
        for key, votes in team_votes.items():
            # The most common team of the day; ties go to the lowest ids, for a stable answer.
            self.teams[key] = min(votes.items(), key=lambda item: (-item[1], str(item[0])))[0]

    def capacity(self, day: datetime.date) -> int:
        return max(len(self.available.get(day, ())), 1)

    def hotel_days(self, hotel_id: int, size: int) -> list[datetime.date]:
        """The days a hotel is visited this week: those already planned, else the best pair."""
        planned = sorted(day for (hotel, day) in self.teams if hotel == hotel_id)
        planned = [day for day in planned if day in self.days]
        if planned:
            return planned
        pairs = [
            (a, b) for a, b in itertools.combinations(self.workable, 2) if (b - a).days >= MIN_GAP
        ]
        if not pairs:
            return self.workable[:1]
        mean_capacity = sum(self.capacity(day) for day in self.workable) / len(self.workable)

        def cost(pair):
            a, b = pair
            spread = sum((self.day_load[day] + size) / self.capacity(day) for day in pair)
            return (spread + GAP_PENALTY[(b - a).days] * size / mean_capacity, a, b)

        return list(min(pairs, key=cost))

    def team(self, hotel_id: int, day: datetime.date) -> tuple[int | None, int | None]:
        key = (hotel_id, day)
        if key not in self.teams:
            ranked = sorted(
                self.available.get(day, ()),
                key=lambda worker: (self.load[worker] / self.worker_days[worker], worker),
            )
            self.teams[key] = (
                ranked[0] if ranked else None,
                ranked[1] if len(ranked) > 1 else None,
            )
        return self.teams[key]

    def choose_days(self, options, fixed, wanted: int, hotel_days) -> tuple[datetime.date, ...]:
        """The best `wanted` days among `options` (or fewer if they cannot be spaced): at least
        MIN_GAP apart from each other and from `fixed`, on the hotel's days if possible, with the
        preferred gap, on the least loaded days."""
        for size in range(min(wanted, len(options)), 0, -1):
            valid = [
                combo
                for combo in itertools.combinations(options, size)
                if all(
                    abs((a - b).days) >= MIN_GAP
                    for a, b in itertools.combinations(sorted((*combo, *fixed)), 2)
                )
            ]
            if valid:
                return min(valid, key=lambda combo: self._day_score(combo, fixed, hotel_days))
        return ()

    def _day_score(self, combo, fixed, hotel_days):
        days = sorted((*combo, *fixed))
        gaps = sum(GAP_PENALTY.get((b - a).days, 2.0) for a, b in itertools.pairwise(days))
        off_rhythm = sum(day not in hotel_days for day in combo)
        load = sum(self.day_load[day] / self.capacity(day) for day in combo)
        return (off_rhythm, gaps, load, combo)


def plan_week(data: RosterInput) -> RosterResult:
    """The visits to add to the week (unsaved), from what `load_input` read. No query."""
    planner = _Planner(data)
    result = RosterResult(week=data.monday)
    days = planner.days
    if not days:
        return result

    # Where each person sleeps on each plannable day, unless known to be away.
    housed: dict[int, dict[datetime.date, StayRow]] = defaultdict(dict)
    for stay in data.stays:
        if data.resident_ids is not None and stay.resident_id not in data.resident_ids:
            continue
        away = data.absences.get(stay.placement_id, ())
        for day in days:
            if stay.covers(day) and not _covered(away, day):
                housed[stay.resident_id][day] = stay

    counted: dict[int, list[datetime.date]] = defaultdict(list)
    occupied: dict[int, set[datetime.date]] = defaultdict(set)
    for visit in data.existing:
        if visit.counts:
            counted[visit.resident_id].append(visit.day)
        if visit.occupies:
            occupied[visit.resident_id].add(visit.day)

    by_hotel: dict[int, list[int]] = defaultdict(list)
    for resident_id, nights in housed.items():
        if len(counted[resident_id]) < VISITS_PER_WEEK:
            by_hotel[nights[min(nights)].hotel_id].append(resident_id)

    # Large hotels first: the last, small ones then even out the loads.
    for hotel_id, residents in sorted(by_hotel.items(), key=lambda item: (-len(item[1]), item[0])):
        hotel_days = planner.hotel_days(hotel_id, len(residents))
        for resident_id in sorted(residents):
            nights = housed[resident_id]
            fixed = sorted(counted[resident_id])
            options = [
                day
                for day in planner.workable
                if day in nights and day not in occupied[resident_id]
            ]
            wanted = VISITS_PER_WEEK - len(counted[resident_id])
            chosen = planner.choose_days(options, fixed, wanted, hotel_days)
            if chosen:
                result.residents += 1
            for day in chosen:
                stay = nights[day]
                worker, partner = planner.team(stay.hotel_id, day)
                result.visits.append(
                    Visit(
                        resident_id=resident_id,
                        placement_id=stay.placement_id,
                        hotel_id=stay.hotel_id,
                        planned_on=day,
                        worker_id=worker,
                        partner_id=partner,
                    )
                )
                planner.day_load[day] += 1
                for member in (worker, partner):
                    if member is not None:
                        planner.load[member] += 1
                if worker is None:
                    result.unassigned += 1
    result.created = len(result.visits)
    return result
