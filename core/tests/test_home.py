"""The home page's cards read in a fixed number of queries, whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AdmissionRequestFactory,
    PlacementFactory,
    ReferralFactory,
    StaffAvailabilityFactory,
    StepFactory,
    VisitFactory,
)
from visits.models import Outcome, VisitStatus

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _add_rows(worker, n: int) -> None:
    """n of everything a card counts or lists: stays (some never met, some with a visit that
    asks for a follow-up), waiting requests, steps and appointments the worker follows."""
    for i in range(n):
        stay = PlacementFactory(start=TODAY - 40 * DAY)
        VisitFactory(
            placement=stay,
            worker=worker,
            planned_on=TODAY - (i % 10) * DAY,
            status=VisitStatus.DONE,
            outcome=Outcome.SEEN,
            logged_at=timezone.now(),
            follow_up_reason="social",
        )
        PlacementFactory(start=TODAY - 20 * DAY)
        AdmissionRequestFactory()
        StepFactory(followed_by=worker, due_on=TODAY + (i % 3 - 1) * DAY)
        ReferralFactory(accompanied_by=worker, appointment_at=timezone.now() + (i + 1) * DAY)


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_coordinator_s_home_is_a_fixed_number_of_queries(client_for, chloe):
    StaffAvailabilityFactory(user=chloe)
    client = client_for(chloe)
    _add_rows(chloe, 2)
    with_two = _home_queries(client)
    _add_rows(chloe, 12)
    assert _home_queries(client) == with_two
    # Session, user (2); the cards' data version (core.navigation.home_cards: the rows added
    # changed it, so the cards are worked out again); the roles; my visits today; samples;
    # occupancy (the places card's too); alerts; not seen; waiting list; vouchers (3); steps;
    # appointments; reassessments (2); low stock; the voucher stock's balance and the people housed
    # this week; the session saved in a savepoint (3).
    assert with_two == 23


@pytest.mark.django_db
def test_the_manager_s_home_is_a_fixed_number_of_queries(client_for, marc):
    client = client_for(marc)
    _add_rows(marc, 2)
    with_two = _home_queries(client)
    _add_rows(marc, 12)
    assert _home_queries(client) == with_two
