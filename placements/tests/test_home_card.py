import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.selectors import board_hotels, hotel_boards, occupancy_totals, overall_totals
from placements.tests.test_board import hotel_with_every_state  # noqa: F401 (fixture)
from tests.factories import HotelFactory, PlaceFactory, PlacementFactory


@pytest.mark.django_db
def test_it_shows_the_coordinator_today_s_occupancy(client_for, chloe):
    PlacementFactory()
    PlaceFactory()
    response = client_for(chloe).get(reverse("home"))
    cards = dict(response.context["cards"])
    card = cards["placements/card_occupancy.html"]
    assert card["totals"]["occupied"] == 1 and card["free"] == 1
    assert reverse("placements:board") in response.content.decode()
    assert "Occupation aujourd’hui" in response.content.decode()


@pytest.mark.django_db
def test_it_leaves_the_card_to_the_coordinator(client_for, alice, marc):
    for user in (alice, marc):
        cards = dict(client_for(user).get(reverse("home")).context["cards"])
        assert "placements/card_occupancy.html" not in cards


@pytest.mark.django_db
def test_it_counts_like_the_board(hotel_with_every_state):  # noqa: F811
    closed = HotelFactory(active=False)
    PlacementFactory(place=PlaceFactory(hotel=closed))  # still housing someone: on the board
    PlaceFactory(hotel=HotelFactory(active=False))  # empty and inactive: not on the board
    board = overall_totals(hotel_boards(board_hotels()))
    assert occupancy_totals() == board
    assert board == {"occupied": 2, "free": 1, "held": 1, "out": 1, "total": 5}


@pytest.mark.django_db
def test_it_counts_again_on_every_call_in_one_query():
    """Only the statement is kept from one call to the next (per day), never the counts."""
    place = PlaceFactory()
    assert occupancy_totals()["free"] == 1
    PlacementFactory(place=place)
    with CaptureQueriesContext(connection) as queries:
        totals = occupancy_totals()
    assert len(queries) == 1
    assert (totals["free"], totals["occupied"], totals["total"]) == (0, 1, 1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    PlacementFactory(place=PlaceFactory(), start=tomorrow)
    assert occupancy_totals(tomorrow)["occupied"] == 2
    assert occupancy_totals()["occupied"] == 1
