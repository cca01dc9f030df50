"""The roster generator, called directly, on PostgreSQL."""

import threading
from collections import Counter, defaultdict

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from placements.models import Absence
from tests.factories import (
    HotelFactory,
    PlaceFactory,
    PlacementFactory,
    StaffAvailabilityFactory,
    VisitFactory,
)
from visits import services
from visits.conflicts import move_conflicts
from visits.models import Leave, StaffAvailability, Visit, VisitStatus
from visits.roster import MIN_GAP, roster_generate
from visits.tests.conftest import DAY, NEXT_MONDAY, WEEK

MON_FRI = (0, 1, 2, 3, 4)
WEDNESDAY = NEXT_MONDAY + 2 * DAY


def _team(*weekday_lists):
    return [StaffAvailabilityFactory(weekdays=list(days)).user for days in weekday_lists]


def _hotel_with(residents: int, *, start=None):
    hotel = HotelFactory()
    start = start or NEXT_MONDAY - 30 * DAY
    stays = [
        PlacementFactory(place=PlaceFactory(hotel=hotel), start=start) for _ in range(residents)
    ]
    return hotel, stays


def _visits(monday=NEXT_MONDAY) -> list[Visit]:
    return list(Visit.objects.in_week(monday).not_cancelled().filter(unplanned=False))


def _days_by_resident(visits) -> dict[int, list]:
    days = defaultdict(list)
    for visit in visits:
        days[visit.resident_id].append(visit.planned_on)
    return {resident: sorted(found) for resident, found in days.items()}


def _members(visit) -> set[int]:
    return {pk for pk in (visit.worker_id, visit.partner_id) if pk is not None}


@pytest.mark.django_db
def test_it_plans_two_visits_far_enough_apart_for_every_housed_resident():
    _team(MON_FRI, MON_FRI, MON_FRI, MON_FRI)
    stays = [stay for size in (5, 4, 3) for stay in _hotel_with(size)[1]]
    PlacementFactory(start=NEXT_MONDAY - 40 * DAY, end=NEXT_MONDAY, exit_destination="street")

    result = roster_generate(week=NEXT_MONDAY)

    days = _days_by_resident(_visits())
    assert set(days) == {stay.resident_id for stay in stays}
    assert (result.created, result.residents, result.unassigned) == (24, 12, 0)
    for first, second in days.values():
        assert (second - first).days >= MIN_GAP
    for visit in Visit.objects.select_related("placement__place"):
        assert visit.placement.resident_id == visit.resident_id
        assert visit.hotel_id == visit.placement.place.hotel_id
        assert visit.status == VisitStatus.PLANNED and not visit.manually_edited


@pytest.mark.django_db
def test_it_sends_one_team_of_two_to_each_hotel_on_two_days():
    _team(MON_FRI, MON_FRI, MON_FRI, MON_FRI)
    for size in (6, 5, 4):
        _hotel_with(size)

    roster_generate(week=NEXT_MONDAY)

    teams, days = defaultdict(set), defaultdict(set)
    for visit in _visits():
        teams[(visit.hotel_id, visit.planned_on)].add((visit.worker_id, visit.partner_id))
        days[visit.hotel_id].add(visit.planned_on)
    assert [len(found) for found in days.values()] == [2, 2, 2]
    assert all(len(found) == 1 for found in teams.values()), "one trip per hotel and day"
    for ((worker, partner),) in teams.values():
        assert worker is not None and partner is not None and worker != partner


@pytest.mark.django_db
def test_it_prefers_three_days_between_the_two_visits():
    _team(MON_FRI, MON_FRI)
    _hotel_with(4)
    roster_generate(week=NEXT_MONDAY)
    assert {visit.planned_on for visit in _visits()} == {NEXT_MONDAY, NEXT_MONDAY + 3 * DAY}


@pytest.mark.django_db
def test_it_balances_the_days_and_the_workers():
    workers = _team(MON_FRI, MON_FRI, MON_FRI, MON_FRI)
    for _ in range(6):
        _hotel_with(6)

    roster_generate(week=NEXT_MONDAY)

    visits = _visits()
    load = Counter(member for visit in visits for member in _members(visit))
    assert set(load) == {worker.pk for worker in workers}
    # 72 visits made in pairs: 36 each on average, give or take one round of 6 visits.
    assert max(load.values()) - min(load.values()) <= 6
    per_day = Counter(visit.planned_on for visit in visits)
    assert len(per_day) == 5 and max(per_day.values()) <= 18, "three hotels a day at most"


@pytest.mark.django_db
def test_it_plans_workers_only_on_the_days_they_work_and_not_on_leave():
    _team(MON_FRI, MON_FRI)
    (part_time,) = _team((0, 1))
    (away,) = _team(MON_FRI)
    Leave.objects.create(user=away, start=WEDNESDAY, end=NEXT_MONDAY + 10 * DAY)
    (not_on_roster,) = _team(MON_FRI)
    StaffAvailability.objects.filter(user=not_on_roster).update(on_roster=False)
    (gone,) = _team(MON_FRI)
    gone.is_active = False
    gone.save()
    for _ in range(4):
        _hotel_with(5)

    roster_generate(week=NEXT_MONDAY)

    visits = _visits()
    with_part_time = [visit for visit in visits if part_time.pk in _members(visit)]
    with_away = [visit for visit in visits if away.pk in _members(visit)]
    assert with_part_time and {visit.planned_on.weekday() for visit in with_part_time} <= {0, 1}
    assert with_away and all(visit.planned_on < WEDNESDAY for visit in with_away)
    assert not [visit for visit in visits if _members(visit) & {not_on_roster.pk, gone.pk}]


@pytest.mark.django_db
def test_it_plans_visits_without_a_worker_when_nobody_is_on_the_roster():
    _hotel_with(2)
    result = roster_generate(week=NEXT_MONDAY)
    visits = _visits()
    assert result.unassigned == len(visits) == 4
    assert all(visit.worker_id is None and visit.planned_on.weekday() < 5 for visit in visits)


@pytest.mark.django_db
def test_it_adds_nothing_and_changes_nothing_when_run_again():
    _team(MON_FRI, MON_FRI, MON_FRI)
    _hotel_with(3)
    _hotel_with(2)
    assert roster_generate(week=NEXT_MONDAY).created == 10
    before = list(Visit.objects.order_by("pk").values())

    assert roster_generate(week=NEXT_MONDAY).created == 0

    assert list(Visit.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_it_leaves_the_coordinators_changes_alone():
    workers = _team(MON_FRI, MON_FRI, MON_FRI)
    _hotel, stays = _hotel_with(3)
    roster_generate(week=NEXT_MONDAY)
    moved = Visit.objects.filter(resident=stays[0].resident).order_by("planned_on").first()
    cancelled = Visit.objects.filter(resident=stays[1].resident).order_by("planned_on").first()
    saturday = NEXT_MONDAY + 5 * DAY
    # A Saturday, which the worker does not work: confirmed, as the coordinator would.
    reasons = move_conflicts(visits=[moved], to_day=saturday, worker=workers[2], partner=None)
    assert reasons
    services.visit_move(
        visit=moved, to_day=saturday, worker=workers[2], partner=None, accepted=reasons
    )
    services.visit_cancel(visit=cancelled)
    before = list(Visit.objects.order_by("pk").values())

    assert roster_generate(week=NEXT_MONDAY).created == 0

    assert list(Visit.objects.order_by("pk").values()) == before
    moved.refresh_from_db()
    assert (moved.planned_on, moved.worker, moved.manually_edited) == (saturday, workers[2], True)
    assert Visit.objects.filter(resident=stays[1].resident).not_cancelled().count() == 1


@pytest.mark.django_db
def test_it_plans_the_rest_of_a_week_only():
    _team(MON_FRI, MON_FRI)
    _hotel_with(2)
    roster_generate(week=NEXT_MONDAY, from_day=WEDNESDAY)
    days = _days_by_resident(_visits())
    assert list(days.values()) == [[WEDNESDAY, WEDNESDAY + 2 * DAY]] * 2


@pytest.mark.django_db
def test_it_plans_nothing_while_the_person_is_away_or_not_yet_housed():
    _team(MON_FRI, MON_FRI)
    _hotel, (away, _other) = _hotel_with(2)
    Absence.objects.create(
        placement=away, start=NEXT_MONDAY - 3 * DAY, end=WEDNESDAY, reason="hospital"
    )
    newcomer = PlacementFactory(start=NEXT_MONDAY + 3 * DAY)

    roster_generate(week=NEXT_MONDAY)

    days = _days_by_resident(_visits())
    assert days[away.resident_id] == [WEDNESDAY, WEDNESDAY + 2 * DAY]
    (only,) = days[newcomer.resident_id]  # Thursday and Friday are too close for two
    assert only >= NEXT_MONDAY + 3 * DAY


@pytest.mark.django_db
def test_it_completes_a_week_already_started():
    workers = _team(MON_FRI, MON_FRI, MON_FRI)
    hotel, (first, second) = _hotel_with(2)
    VisitFactory(placement=first, planned_on=NEXT_MONDAY, worker=workers[0], partner=workers[1])
    VisitFactory(placement=second, planned_on=NEXT_MONDAY, worker=workers[0], partner=workers[1])

    assert roster_generate(week=NEXT_MONDAY).created == 2

    added = Visit.objects.filter(planned_on__gt=NEXT_MONDAY)
    assert {visit.planned_on for visit in added} == {NEXT_MONDAY + 3 * DAY}
    assert all(visit.hotel == hotel for visit in added)


@pytest.mark.django_db
def test_it_keeps_a_fixed_number_of_queries_whatever_the_number_of_residents():
    def count_queries(monday) -> int:
        with CaptureQueriesContext(connection) as queries:
            roster_generate(week=monday)
        return len(queries)

    _team(MON_FRI, MON_FRI)
    _hotel_with(2)
    with_two = count_queries(NEXT_MONDAY)
    workers = _team(*[MON_FRI] * 6, (0, 1), (3, 4, 5))
    Leave.objects.create(user=workers[0], start=NEXT_MONDAY + WEEK, end=NEXT_MONDAY + 9 * DAY)
    for size in (8, 7, 6, 6, 5, 5, 4, 4, 3):
        _hotel, stays = _hotel_with(size)
        Absence.objects.create(placement=stays[0], start=NEXT_MONDAY, reason="hospital")
    assert Visit.objects.in_week(NEXT_MONDAY + WEEK).count() == 0
    # The advisory lock, stays, absences, the week's visits, availabilities, leave, one INSERT,
    # and the savepoint pair of the transaction: nothing per resident, hotel or worker.
    assert count_queries(NEXT_MONDAY + WEEK) == with_two
    assert Visit.objects.in_week(NEXT_MONDAY + WEEK).count() == 2 * (2 + 48 - 9)


@pytest.mark.django_db
def test_the_database_refuses_a_second_roster_visit_on_the_same_day():
    visit = VisitFactory()
    VisitFactory(placement=visit.placement, planned_on=visit.planned_on, unplanned=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(placement=visit.placement, planned_on=visit.planned_on)
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)
    VisitFactory(placement=visit.placement, planned_on=visit.planned_on)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_generations_at_the_same_moment_plan_each_visit_once():
    _team(MON_FRI, MON_FRI)
    _hotel_with(4)
    start = threading.Barrier(2)
    errors = []

    def generate():
        try:
            start.wait(5)
            roster_generate(week=NEXT_MONDAY)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert errors == []
    assert Counter(Counter(visit.resident_id for visit in _visits()).values()) == {2: 4}
