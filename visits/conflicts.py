"""Conflicts of the roster: what the generator never plans, and a coordinator's change may.

- two visits of one person on consecutive days of a week (the roster spaces them by two days at
  least, see `roster.MIN_GAP`): a round moved to the day after the hotel's other round;
- a worker sent on a day they do not work (their `StaffAvailability.weekdays`) or are on leave;
- a worker who is not on the visit roster (no availability, or not taking part in visits).

`move_conflicts` says, before a move, what it would create: the coordinator confirms each reason
or changes the move. `week_conflicts` lists what remains in a week, for the grid.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from visits.models import Leave, StaffAvailability, Visit, Weekday
from visits.roster import week_start

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Conflict:
    hotel_id: int
    day: datetime.date
    message: str


def _day(value: datetime.date) -> str:
    return date_format(value, "l j F")


def _name(user) -> str:
    return user.get_full_name() or user.username


def worker_reasons(user, day: datetime.date, availability, on_leave: bool) -> list[str]:
    """Why `user` should not be on a round on `day` (`availability`: theirs, or None)."""
    if availability is None or not availability.on_roster:
        return [_("%(worker)s is not on the visit roster.") % {"worker": _name(user)}]
    reasons = []
    if day.weekday() not in availability.weekdays:
        reasons.append(
            _("%(worker)s does not work on %(weekday)s (works: %(days)s).")
            % {
                "worker": _name(user),
                "weekday": Weekday(day.weekday()).label.lower(),
                "days": ", ".join(label.lower() for label in availability.weekday_labels()) or "—",
            }
        )
    if on_leave:
        reasons.append(
            _("%(worker)s is on leave on %(day)s.") % {"worker": _name(user), "day": _day(day)}
        )
    return reasons


def consecutive_reason(names: list[str], first: datetime.date, second: datetime.date) -> str:
    return _("Two visits on consecutive days for %(names)s: %(first)s and %(second)s.") % {
        "names": ", ".join(sorted(names)),
        "first": _day(min(first, second)),
        "second": _day(max(first, second)),
    }


def move_conflicts(*, visits: list[Visit], to_day: datetime.date, worker, partner) -> list[str]:
    """French reasons to confirm before moving `visits` to `to_day` with this team. Three queries
    at most (the people's other visits next to that day; the team's availability and leave)."""
    reasons = []
    monday = week_start(to_day)
    neighbours = [day for day in (to_day - DAY, to_day + DAY) if monday <= day < monday + 7 * DAY]
    nicknames = {visit.resident_id: visit.resident.nickname for visit in visits}
    by_day: dict[datetime.date, list[str]] = defaultdict(list)
    for resident_id, day in (
        Visit.objects.filter(resident_id__in=nicknames, planned_on__in=neighbours, unplanned=False)
        .not_cancelled()
        .exclude(pk__in=[visit.pk for visit in visits])
        .values_list("resident_id", "planned_on")
        .distinct()
    ):
        by_day[day].append(nicknames[resident_id])
    for day in sorted(by_day):
        reasons.append(consecutive_reason(by_day[day], day, to_day))
    team = [member for member in (worker, partner) if member is not None]
    if team:
        availabilities = {
            row.user_id: row for row in StaffAvailability.objects.filter(user__in=team)
        }
        away = set(
            Leave.objects.filter(user__in=team)
            .overlapping(to_day, to_day + DAY)
            .values_list("user_id", flat=True)
        )
        for member in team:
            reasons += worker_reasons(
                member, to_day, availabilities.get(member.pk), member.pk in away
            )
    return reasons


@functools.lru_cache(maxsize=8)
def _week_visits_sql(monday: datetime.date) -> tuple[str, tuple]:
    """The SQL of `week_conflicts`' visits, built once a week and process (the ORM's ~0.5 ms
    of CPU a request): only the statement is kept, each call asks the database."""
    return (
        Visit.objects.in_week(monday)
        .filter(unplanned=False)
        .not_cancelled()
        .values_list(
            "resident_id", "resident__nickname", "hotel_id", "planned_on", "worker_id", "partner_id"
        )
        .distinct()
        .query.sql_with_params()
    )


def week_conflicts(monday: datetime.date, users: dict) -> list[Conflict]:
    """The conflicts left in the week of `monday`, on the roster's visits not cancelled. Two
    queries (the visits; the availabilities of their workers); `users`: the workers by id, as
    the grid already read them."""
    with connection.cursor() as cursor:
        cursor.execute(*_week_visits_sql(monday))
        # The model's ordering adds the visit's id to the columns: the ORM left it out.
        # (fetchall: iterating Django's cursor wraps each row's fetch in its error handler.)
        rows = [row[:6] for row in cursor.fetchall()]
    conflicts: list[Conflict] = []
    days_of: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    names = {}
    for resident_id, nickname, hotel_id, day, _worker, _partner in rows:
        days_of[resident_id][day] = hotel_id
        names[resident_id] = nickname
    pairs: dict[tuple[int, datetime.date, datetime.date], list[str]] = defaultdict(list)
    for resident_id, days in days_of.items():
        for day, hotel_id in days.items():
            if day - DAY in days:
                pairs[hotel_id, day - DAY, day].append(names[resident_id])
    for (hotel_id, first, second), people in sorted(pairs.items()):
        conflicts.append(Conflict(hotel_id, second, consecutive_reason(people, first, second)))

    teams = {
        (hotel_id, day, member)
        for _r, _n, hotel_id, day, worker, partner in rows
        for member in (worker, partner)
        if member is not None
    }
    members = list({member for _h, _d, member in teams})
    availabilities = (
        {
            row.user_id: row
            # Written out (raw): the ORM took longer to build the statement than to read it.
            for row in StaffAvailability.objects.raw(
                "SELECT * FROM visits_staffavailability WHERE user_id = ANY(%s)", [members]
            )
        }
        if members
        else {}
    )
    for hotel_id, day, member in sorted(teams, key=lambda item: (item[1], item[0], item[2])):
        user = users.get(member)
        if user is None:
            continue
        # Leave is shown by the grid already (its own badge): only the roster's rules here.
        for message in worker_reasons(user, day, availabilities.get(member), on_leave=False):
            conflicts.append(Conflict(hotel_id, day, message))
    return conflicts
