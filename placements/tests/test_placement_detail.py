import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import Absence, ExitDestination
from privacy.models import AccessLog
from tests.factories import PlaceFactory, PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(stay):
    return reverse("placements:placement_detail", args=[stay.pk])


@pytest.fixture
def transferred(db):
    """Bambou: 100 days ago in room 1, transferred 30 days ago to room 2, still there."""
    first = PlacementFactory(
        resident__nickname="Bambou",
        place=PlaceFactory(room="1"),
        start=TODAY - 100 * DAY,
        end=TODAY - 30 * DAY,
        exit_destination=ExitDestination.TRANSFER,
    )
    second = PlacementFactory(
        resident=first.resident,
        place=PlaceFactory(room="2"),
        start=TODAY - 30 * DAY,
        previous=first,
    )
    return first, second


@pytest.mark.django_db
def test_it_shows_the_chain_of_transfers_and_the_derived_lengths(client_for, alice, transferred):
    first, second = transferred
    for stay in transferred:
        response = client_for(alice).get(_url(stay))
        assert response.status_code == 200
        assert response.context["chain"] == [first, second]
        assert response.context["programme_days"] == 100
    assert second.nights() == 30
    assert "100 depuis le" in response.content.decode()


@pytest.mark.django_db
def test_it_lists_the_absences(client_for, alice, transferred):
    _first, second = transferred
    Absence.objects.create(
        placement=second,
        start=TODAY - 10 * DAY,
        end=TODAY - 5 * DAY,
        reason="prison",
        released=True,
    )
    response = client_for(alice).get(_url(second))
    page = response.content.decode()
    assert "Incarcération" in page and "place libérée" in page


@pytest.mark.django_db
def test_it_offers_the_actions_to_the_coordinator_on_an_ongoing_stay(
    client_for, chloe, marc, transferred
):
    first, second = transferred
    assert client_for(chloe).get(_url(second)).context["can_act"] is True
    assert client_for(marc).get(_url(second)).context["can_act"] is False
    assert client_for(chloe).get(_url(first)).context["can_act"] is False


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    stay = PlacementFactory(start=TODAY - 200 * DAY)
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(_url(stay))
        return len(queries)

    with_none = count_queries()
    for n in range(10):
        Absence.objects.create(
            placement=stay,
            start=TODAY - (150 - 10 * n) * DAY,
            end=TODAY - (146 - 10 * n) * DAY,
            reason="travel",
        )
    assert count_queries() == with_none


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_stay(client_for, alice):
    assert (
        client_for(alice).get(reverse("placements:placement_detail", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_forbids_the_admin_and_other_methods(client_for, ada, alice, transferred):
    assert client_for(ada).get(_url(transferred[0])).status_code == 403
    assert client_for(alice).post(_url(transferred[0])).status_code == 405


@pytest.mark.django_db
def test_it_logs_who_opened_the_stay(client_for, marc, transferred):
    first, _second = transferred
    client_for(marc).get(_url(first))
    access = AccessLog.objects.get()
    assert (access.user, access.resident, access.page) == (marc, first.resident, _url(first))
