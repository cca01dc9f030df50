"""Stays recorded together (an import) get their visits planned in one roster run, as a stay
assigned by hand would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placements.services import placements_record
from tests.factories import PlaceFactory, ResidentFactory, StaffAvailabilityFactory, UserFactory
from visits.models import Visit, VisitStatus
from visits.tests.conftest import THIS_MONDAY, TODAY

EXPECTED_THIS_WEEK = 2 if TODAY.weekday() <= 4 else 1


@pytest.fixture
def team(db):
    return [StaffAvailabilityFactory(weekdays=[0, 1, 2, 3, 4, 5, 6]).user for _ in range(2)]


def _record(count: int, by):
    from placements.models import Placement

    stays = [
        Placement(resident=ResidentFactory(), place=PlaceFactory(), start=TODAY)
        for _ in range(count)
    ]
    with CaptureQueriesContext(connection) as queries:
        placements_record(stays, by=by)
    return stays, len(queries)


@pytest.mark.django_db
def test_it_plans_every_newcomer_in_one_roster_run(team):
    coordinator = UserFactory(roles=["coordinator"])
    stays, few = _record(2, coordinator)
    for stay in stays:
        planned = Visit.objects.in_week(THIS_MONDAY).filter(
            resident=stay.resident, status=VisitStatus.PLANNED
        )
        assert planned.count() == EXPECTED_THIS_WEEK
    _more, many = _record(8, coordinator)
    # Locks, checks, inserts and one roster run: the same queries for 8 stays as for 2.
    assert many == few
