"""Visits on the resident's page, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents.timeline import described, source_entries
from tests.factories import PlacementFactory, VisitFactory
from visits.models import Outcome, VisitStatus
from visits.selectors import visit_entries
from visits.tests.conftest import DAY, TODAY


def _done(stay, day, outcome=Outcome.SEEN, **kwargs):
    return VisitFactory(
        placement=stay,
        planned_on=day,
        status=VisitStatus.DONE,
        outcome=outcome,
        logged_at=timezone.now(),
        **kwargs,
    )


@pytest.mark.django_db
def test_it_puts_the_visits_made_and_not_made_on_the_residents_timeline(client_for, marc):
    stay = PlacementFactory()
    _done(stay, TODAY - 3 * DAY, health="Tousse beaucoup", follow_up_reason="medical")
    _done(stay, TODAY - 2 * DAY, Outcome.ABSENT, unplanned=True)
    VisitFactory(placement=stay, planned_on=TODAY - DAY, status=VisitStatus.MISSED)
    VisitFactory(placement=stay, planned_on=TODAY + DAY)  # planned: not yet a story
    VisitFactory(placement=stay, planned_on=TODAY, status=VisitStatus.CANCELLED)

    response = client_for(marc).get(reverse("residents:resident_detail", args=[stay.resident_id]))

    visits = [entry for entry in response.context["page_obj"] if entry.kind == "visit"]
    assert [entry.title for entry in visits] == [
        "Visite à domicile non faite",
        "Visite imprévue : absent·e",
        "Visite à domicile : vu·e",
    ]
    assert visits[2].detail == "Suivi : Inquiétude médicale · santé : Tousse beaucoup"


@pytest.mark.django_db
def test_the_source_runs_one_query_whatever_the_number_of_visits(alice):
    stay = PlacementFactory(start=TODAY - 200 * DAY)
    _done(stay, TODAY - DAY)
    with CaptureQueriesContext(connection) as one:
        described(source_entries(visit_entries, stay.resident, alice))
    for n in range(2, 40):
        _done(stay, TODAY - n * DAY, needs="Vêtements")
    with CaptureQueriesContext(connection) as many:
        assert len(described(source_entries(visit_entries, stay.resident, alice))) == 39
    # the days of the visits, then the visits written with their hotels and workers
    assert len(one) == len(many) == 2
