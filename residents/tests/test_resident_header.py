"""The top of the resident's page: where the person lives today, the next visit, last seen."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import PlacementFactory, ResidentFactory, VisitFactory
from visits.models import Outcome, VisitStatus

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(resident):
    return reverse("residents:resident_detail", args=[resident.pk])


def _header(response) -> str:
    """The header's text, as read."""
    page = response.content.decode()
    start = page.index('data-testid="resident-header"')
    html = page[page.index(">", start) + 1 : page.index('<dl class="row', start)]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _done(visit, outcome, day):
    visit.status, visit.outcome, visit.planned_on = VisitStatus.DONE, outcome, day
    visit.logged_at = timezone.now()
    visit.save()


@pytest.mark.django_db
def test_it_opens_with_the_hotel_the_room_the_next_visit_and_the_last_seen(client_for, alice):
    stay = PlacementFactory(place__hotel__name="Hôtel des Lilas", place__room="204")
    _done(VisitFactory(placement=stay), Outcome.SEEN, datetime.date(2026, 11, 27))
    _done(VisitFactory(placement=stay), Outcome.ABSENT, datetime.date(2026, 11, 28))  # not met
    VisitFactory(placement=stay, planned_on=TODAY + 30 * DAY)
    VisitFactory(placement=stay, planned_on=TODAY + 2 * DAY)
    VisitFactory(placement=stay, planned_on=TODAY + DAY, status=VisitStatus.CANCELLED)

    header = _header(client_for(alice).get(_url(stay.resident)))

    assert "Hébergé·e à Hôtel des Lilas · chambre 204" in header
    with translation.override("fr"):
        next_day = date_format(TODAY + 2 * DAY, "D j N")
    assert f"Prochaine visite prévue {next_day}" in header
    assert "Vu·e pour la dernière fois ven 27 nov." in header


@pytest.mark.django_db
def test_it_says_when_there_is_no_place_no_visit_and_nobody_met(client_for, marc):
    header = _header(client_for(marc).get(_url(ResidentFactory())))
    assert "Pas de place aujourd’hui" in header
    assert "aucune prévue" in header
    assert "pas encore vu·e" in header


@pytest.mark.django_db
def test_it_costs_the_same_queries_with_many_visits(client_for, alice):
    stay = PlacementFactory()
    client = client_for(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(stay.resident)).status_code == 200
        return len(queries)

    VisitFactory(placement=stay, planned_on=TODAY + DAY)
    with_one = count()
    for n in range(2, 12):
        VisitFactory(placement=stay, planned_on=TODAY + n * DAY)
    # The place comes with the person's row; both dates in one aggregate.
    assert count() == with_one
