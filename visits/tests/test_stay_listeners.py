"""A stay that starts gets its visits; one that ends loses those still to come.

placements.services sends placements.signals (stay_started, stay_ended) inside its own
transaction; visits/apps.py connects its receivers.
"""

import pytest
from django.utils import timezone

from placements import signals
from placements.models import Placement
from placements.services import placement_assign, placement_end, placement_transfer
from tests.factories import (
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
    StaffAvailabilityFactory,
    UserFactory,
    VisitFactory,
)
from visits import services
from visits.models import Outcome, Visit, VisitStatus
from visits.tests.conftest import DAY, NEXT_MONDAY, THIS_MONDAY, TODAY, WEEK

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
# From today to Sunday, with someone on the roster every day: two visits two days apart fit
# from Monday to Friday, one on Saturday or Sunday.
EXPECTED_THIS_WEEK = 2 if TODAY.weekday() <= 4 else 1


@pytest.fixture
def team(db):
    return [StaffAvailabilityFactory(weekdays=EVERY_DAY).user for _ in range(2)]


@pytest.fixture
def coordinator(db):
    return UserFactory(roles=["coordinator"])


def _planned(resident, monday=THIS_MONDAY):
    return list(
        Visit.objects.in_week(monday)
        .filter(resident=resident, status=VisitStatus.PLANNED)
        .order_by("planned_on")
    )


@pytest.mark.django_db
def test_it_plans_a_newcomers_visits_for_the_rest_of_the_week(team, coordinator):
    resident = ResidentFactory()
    stay = placement_assign(resident=resident, place=PlaceFactory(), start=TODAY, by=coordinator)
    visits = _planned(resident)
    assert len(visits) == EXPECTED_THIS_WEEK
    assert all(visit.planned_on >= TODAY and visit.placement == stay for visit in visits)
    assert _planned(resident, NEXT_MONDAY) == [], "next week's roster does not exist yet"


@pytest.mark.django_db
def test_it_plans_next_week_too_when_its_roster_already_exists(team, coordinator):
    VisitFactory(planned_on=NEXT_MONDAY + 2 * DAY)  # the weekly generation ran
    resident = ResidentFactory()
    placement_assign(resident=resident, place=PlaceFactory(), start=TODAY, by=coordinator)
    assert len(_planned(resident, NEXT_MONDAY)) == 2


@pytest.mark.django_db
def test_it_plans_from_the_day_the_stay_starts(team):
    wednesday = NEXT_MONDAY + 2 * DAY
    VisitFactory(planned_on=NEXT_MONDAY)
    stay = PlacementFactory(start=wednesday)
    services.plan_started_stay(stay, today=wednesday)
    assert [visit.planned_on for visit in _planned(stay.resident, NEXT_MONDAY)] == [
        wednesday,
        wednesday + 3 * DAY,
    ]
    assert _planned(stay.resident, NEXT_MONDAY + WEEK) == []


@pytest.mark.django_db
def test_it_cancels_the_visits_still_to_come_after_an_exit(team, coordinator):
    stay = PlacementFactory(start=TODAY - 10 * DAY)
    done = VisitFactory(
        placement=stay,
        planned_on=TODAY - 3 * DAY,
        status=VisitStatus.DONE,
        outcome=Outcome.SEEN,
        logged_at=timezone.now(),
    )
    planned_today = VisitFactory(placement=stay, planned_on=TODAY)
    moved_by_hand = VisitFactory(placement=stay, planned_on=TODAY + 2 * DAY, manually_edited=True)
    next_week = VisitFactory(placement=stay, planned_on=NEXT_MONDAY + DAY)

    placement_end(
        placement=stay, on=TODAY, destination="social_housing", reason="move_on", by=coordinator
    )

    statuses = dict(Visit.objects.values_list("pk", "status"))
    assert statuses == {
        done.pk: VisitStatus.DONE,
        planned_today.pk: VisitStatus.CANCELLED,
        moved_by_hand.pk: VisitStatus.CANCELLED,
        next_week.pk: VisitStatus.CANCELLED,
    }


@pytest.mark.django_db
def test_a_transfer_moves_the_visits_to_the_new_hotel(team, coordinator):
    stay = PlacementFactory(start=TODAY - 10 * DAY)
    old = VisitFactory(placement=stay, planned_on=TODAY)
    new_place = PlaceFactory()

    new_stay = placement_transfer(
        placement=stay, to_place=new_place, on=TODAY, reason="request", by=coordinator
    )

    old.refresh_from_db()
    assert old.status == VisitStatus.CANCELLED
    visits = _planned(stay.resident)
    assert len(visits) == EXPECTED_THIS_WEEK
    assert {(visit.placement, visit.hotel) for visit in visits} == {(new_stay, new_place.hotel)}


@pytest.mark.django_db
def test_a_failing_listener_rolls_the_stay_back(coordinator):
    def refuse(sender, placement, **kwargs):
        raise RuntimeError("receiver failed")

    signals.stay_started.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            placement_assign(
                resident=ResidentFactory(), place=PlaceFactory(), start=TODAY, by=coordinator
            )
    finally:
        signals.stay_started.disconnect(refuse)
    assert not Placement.objects.exists()
