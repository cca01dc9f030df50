import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from placements import hooks
from placements.models import Absence, PlaceOutage
from tests.factories import (
    HotelFactory,
    IncidentFactory,
    PlaceFactory,
    PlacementFactory,
)

URL = reverse("placements:board")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _rows(response) -> dict[int, object]:
    return {row.place.pk: row for board in response.context["boards"] for row in board.places}


@pytest.fixture
def hotel_with_every_state():
    """Hôtel du Canal: 101 free, 102 occupied by Bambou, 103 held for Coco, 104 out of service."""
    hotel = HotelFactory(name="Hôtel du Canal")
    free, occupied, held, out = (
        PlaceFactory(hotel=hotel, room=r) for r in "101 102 103 104".split()
    )
    PlacementFactory(place=occupied, resident__nickname="Bambou", start=TODAY - 12 * DAY)
    stay = PlacementFactory(place=held, resident__nickname="Coco", start=TODAY - 40 * DAY)
    Absence.objects.create(
        placement=stay,
        start=TODAY - 2 * DAY,
        planned_return=TODAY + 5 * DAY,
        reason="hospital",
    )
    PlaceOutage.objects.create(
        place=out, start=TODAY - DAY, end=TODAY + 9 * DAY, reason="Dégât des eaux"
    )
    return {"hotel": hotel, "free": free, "occupied": occupied, "held": held, "out": out}


@pytest.mark.django_db
def test_it_shows_the_state_of_each_place_today(client_for, alice, hotel_with_every_state):
    places = hotel_with_every_state
    response = client_for(alice).get(URL)
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[places["free"].pk].state == "free"
    assert rows[places["occupied"].pk].state == "occupied"
    assert rows[places["occupied"].pk].days == 12
    assert rows[places["held"].pk].state == "held"
    assert rows[places["held"].pk].absence.reason == "hospital"
    assert rows[places["out"].pk].state == "out"
    page = response.content.decode()
    assert "Bambou" in page and "depuis le" in page and "(12 jours)" in page
    assert "Hospitalisation, retour prévu le" in page
    assert "Dégât des eaux" in page
    assert 'class="board-place is-free"' in page


@pytest.mark.django_db
def test_it_counts_places_per_hotel_and_overall(client_for, marc, hotel_with_every_state):
    other = PlaceFactory(hotel=HotelFactory(name="Hôtel Crimée"))
    PlacementFactory(place=other)
    response = client_for(marc).get(URL)
    by_hotel = {board.hotel.name: board.totals for board in response.context["boards"]}
    assert by_hotel["Hôtel du Canal"] == {
        "occupied": 1,
        "free": 1,
        "held": 1,
        "out": 1,
        "total": 4,
    }
    assert by_hotel["Hôtel Crimée"] == {"occupied": 1, "free": 0, "held": 0, "out": 0, "total": 1}
    assert response.context["totals"] == {
        "occupied": 2,
        "free": 1,
        "held": 1,
        "out": 1,
        "total": 5,
    }


@pytest.mark.django_db
def test_it_ignores_past_and_future_stays(client_for, alice):
    place = PlaceFactory()
    PlacementFactory(place=place, start=TODAY - 30 * DAY, end=TODAY, exit_destination="street")
    response = client_for(alice).get(URL)
    assert _rows(response)[place.pk].state == "free"


@pytest.mark.django_db
def test_it_filters_by_hotel_and_by_state(client_for, alice, hotel_with_every_state):
    other = PlaceFactory(hotel=HotelFactory(name="Hôtel Crimée"))
    client = client_for(alice)

    by_hotel = client.get(URL, {"hotel": other.hotel_id})
    assert [board.hotel for board in by_hotel.context["boards"]] == [other.hotel]

    free = client.get(URL, {"state": "free"})
    assert set(_rows(free)) == {hotel_with_every_state["free"].pk, other.pk}
    canal = free.context["boards"][1]
    assert canal.totals["total"] == 4, "totals still count every place of the hotel"

    ignored = client.get(URL, {"state": "nonsense", "hotel": "x"})
    assert len(_rows(ignored)) == 5


@pytest.mark.django_db
def test_it_shows_open_incidents_next_to_their_place_and_hotel(client_for, alice):
    place = PlaceFactory()
    IncidentFactory(hotel=place.hotel, place=place, kind="noise")
    IncidentFactory(hotel=place.hotel, kind="complaint")
    IncidentFactory(hotel=place.hotel, place=place, kind="damage", closed_on=TODAY)
    response = client_for(alice).get(URL)
    (board,) = response.context["boards"]
    assert [incident.kind for incident in board.places[0].incidents] == ["noise"]
    assert [incident.kind for incident in board.incidents] == ["complaint"]
    page = response.content.decode()
    assert "Bruit" in page and "Plainte de l’hôtel" in page and "Dégradation" not in page


@pytest.mark.django_db
def test_it_offers_to_assign_free_places_to_the_coordinator_only(
    client_for, chloe, alice, marc, hotel_with_every_state
):
    assign = reverse("placements:assign_candidates", args=[hotel_with_every_state["free"].pk])
    assert assign in client_for(chloe).get(URL).content.decode()
    assert assign not in client_for(alice).get(URL).content.decode()
    assert assign not in client_for(marc).get(URL).content.decode()
    occupied = reverse("placements:assign_candidates", args=[hotel_with_every_state["occupied"].pk])
    assert occupied not in client_for(chloe).get(URL).content.decode()


@pytest.fixture
def last_visit_finder():
    """Whatever app answers `placements.hooks.last_visits`, put back after the test."""
    previous = hooks.last_visit_finder
    yield
    hooks.register_last_visit_finder(previous)


@pytest.mark.django_db
def test_it_leaves_the_last_visit_out_until_an_app_answers(client_for, alice, last_visit_finder):
    PlacementFactory()
    hooks.register_last_visit_finder(None)
    response = client_for(alice).get(URL)
    assert 'data-testid="last-visit"' not in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_last_visit_another_app_gives(client_for, alice, last_visit_finder):
    stay, never_seen = PlacementFactory(), PlacementFactory()
    asked = []

    def finder(resident_ids):
        asked.append(set(resident_ids))
        return {stay.resident_id: TODAY - 3 * DAY}

    hooks.register_last_visit_finder(finder)
    response = client_for(alice).get(URL)
    rows = _rows(response)
    assert asked == [{stay.resident_id, never_seen.resident_id}]
    assert rows[stay.place_id].last_visit == TODAY - 3 * DAY
    assert rows[never_seen.place_id].last_visit is None
    assert "Dernière visite :" in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    def fill(hotels: int, places: int) -> None:
        for _ in range(hotels):
            hotel = HotelFactory()
            for n, place in enumerate(PlaceFactory.create_batch(places, hotel=hotel)):
                if n % 4 == 0:
                    stay = PlacementFactory(place=place)
                    Absence.objects.create(placement=stay, start=TODAY, reason="travel")
                elif n % 4 == 1:
                    PlacementFactory(place=place)
                    IncidentFactory(hotel=hotel, place=place)
                elif n % 4 == 2:
                    PlaceOutage.objects.create(place=place, start=TODAY, reason="Travaux")
            IncidentFactory(hotel=hotel)

    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    fill(2, 2)
    with_four = count_queries()
    fill(3, 16)
    # session, user, groups; the board's hotels; their places with the stays, residents,
    # absences and outages covering today; open incidents; the last visits (when an app
    # answers the hook); the overall totals; the session saved (savepoint, update, release):
    # nothing per hotel or per place.
    assert count_queries() == with_four == 11


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    assert client_for(ada).get(URL).status_code == 403


@pytest.mark.django_db
def test_it_only_answers_get(client_for, chloe):
    assert client_for(chloe).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_shows_a_page_of_hotels_at_a_time_with_the_totals_of_all(client_for, alice):
    from placements.views import BOARD_HOTELS_PER_PAGE

    hotels = [HotelFactory(name=f"Hôtel {n:02}") for n in range(BOARD_HOTELS_PER_PAGE + 2)]
    for hotel in hotels:
        PlaceFactory(hotel=hotel)
    client = client_for(alice)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    names = [[board.hotel.name for board in page.context["boards"]] for page in (first, second)]
    assert len(names[0]) == BOARD_HOTELS_PER_PAGE and len(names[1]) == 2
    assert sorted(names[0] + names[1]) == sorted(hotel.name for hotel in hotels)
    assert first.context["totals"]["total"] == len(hotels) == second.context["totals"]["total"]
    assert 'href="?page=2"' in first.content.decode()


@pytest.mark.django_db
def test_a_state_filter_pages_through_the_hotels_that_have_such_places(
    client_for, alice, hotel_with_every_state
):
    for n in range(12):  # hotels whose only place is occupied
        PlacementFactory(place__hotel=HotelFactory(name=f"Plein {n:02}"))
    response = client_for(alice).get(URL, {"state": "free"})
    assert [board.hotel.name for board in response.context["boards"]] == ["Hôtel du Canal"]
    assert response.context["page_obj"].paginator.num_pages == 1
    empty = client_for(alice).get(URL, {"state": "out", "hotel": HotelFactory().pk})
    assert "Aucune place dans cet état aujourd’hui." in empty.content.decode()


@pytest.mark.django_db
def test_after_an_action_it_comes_back_to_the_page_of_the_place(client_for, chloe):
    from placements.views import BOARD_HOTELS_PER_PAGE, _place_url

    hotels = [HotelFactory(name=f"Hôtel {n:02}") for n in range(BOARD_HOTELS_PER_PAGE + 1)]
    first, last = PlaceFactory(hotel=hotels[0]), PlaceFactory(hotel=hotels[-1])
    assert _place_url(first) == f"{URL}#place-{first.pk}"
    assert _place_url(last) == f"{URL}?page=2#place-{last.pk}"
    page = client_for(chloe).get(_place_url(last).split("#")[0])
    assert last.pk in _rows(page)


@pytest.mark.django_db
def test_its_filter_offers_every_hotel_escaped_and_marks_the_one_shown(client_for, alice):
    odd = PlaceFactory(hotel=HotelFactory(name="L'Étoile & <Co>")).hotel
    other = PlaceFactory(hotel=HotelFactory(name="Hôtel Crimée")).hotel
    page = client_for(alice).get(URL, {"hotel": odd.pk}).content.decode()
    assert f'<option value="{odd.pk}" selected>{escape(odd.name)}</option>' in page
    assert f'<option value="{other.pk}">Hôtel Crimée</option>' in page
    assert "<Co>" not in page
