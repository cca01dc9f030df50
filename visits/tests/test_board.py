"""The occupancy board shows each resident's last visit, answered by this app."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PlacementFactory, VisitFactory
from visits.models import Outcome, VisitStatus
from visits.tests.conftest import DAY, TODAY


@pytest.mark.django_db
def test_it_gives_the_board_the_day_of_the_last_visit_made(client_for, chloe):
    stay = PlacementFactory()
    for day, status in ((TODAY - 4 * DAY, VisitStatus.DONE), (TODAY - 2 * DAY, VisitStatus.DONE)):
        VisitFactory(
            placement=stay,
            planned_on=day,
            status=status,
            outcome=Outcome.ABSENT,
            logged_at=timezone.now(),
        )
    VisitFactory(placement=stay, planned_on=TODAY - DAY, status=VisitStatus.MISSED)
    never = PlacementFactory()

    response = client_for(chloe).get(reverse("placements:board"))

    rows = {
        row.stay.pk: row for board in response.context["boards"] for row in board.places if row.stay
    }
    assert rows[stay.pk].last_visit == TODAY - 2 * DAY
    assert rows[never.pk].last_visit is None
    assert 'data-testid="last-visit"' in response.content.decode()
