import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import HotelFactory, PlaceFactory

URL = reverse("placements:hotel_list")


@pytest.mark.django_db
def test_it_lists_active_hotels_with_their_place_counts(client_for, alice):
    hotel = HotelFactory(name="Hôtel des Lilas")
    PlaceFactory.create_batch(3, hotel=hotel)
    HotelFactory(name="Hôtel Fermé", active=False)
    response = client_for(alice).get(URL)
    assert response.status_code == 200
    rows = {h.name: h for h in response.context["page_obj"]}
    assert rows["Hôtel des Lilas"].place_count == 3
    assert "Hôtel Fermé" not in rows


@pytest.mark.django_db
def test_it_shows_inactive_hotels_on_request(client_for, alice):
    HotelFactory(name="Hôtel Fermé", active=False)
    response = client_for(alice).get(URL, {"inactive": "1"})
    assert "Hôtel Fermé" in response.content.decode()


@pytest.mark.django_db
def test_it_searches_without_accents(client_for, alice):
    HotelFactory(name="Hôtel Crimée")
    HotelFactory(name="Hôtel du Canal")
    response = client_for(alice).get(URL, {"q": "crimee"})
    names = [h.name for h in response.context["page_obj"]]
    assert names == ["Hôtel Crimée"]


@pytest.mark.django_db
def test_it_says_when_nothing_matches(client_for, alice):
    response = client_for(alice).get(URL, {"q": "zzz"})
    assert list(response.context["page_obj"]) == []
    assert "hotel_list" in response.resolver_match.url_name


@pytest.mark.django_db
def test_it_paginates(client_for, alice):
    for n in range(30):
        HotelFactory(name=f"Hôtel {n:02d}")
    page_two = client_for(alice).get(URL, {"page": 2})
    assert [h.name for h in page_two.context["page_obj"]] == [
        f"Hôtel {n:02d}" for n in range(25, 30)
    ]


@pytest.mark.django_db
def test_it_offers_creation_to_the_coordinator_only(client_for, alice, chloe):
    create_url = reverse("placements:hotel_create")
    assert create_url in client_for(chloe).get(URL).content.decode()
    assert create_url not in client_for(alice).get(URL).content.decode()


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    HotelFactory.create_batch(2)
    with_two = count_queries()
    for hotel in HotelFactory.create_batch(20):
        PlaceFactory.create_batch(2, hotel=hotel)
    # session, user, user's groups (role check), savepoint pair around the session save,
    # count for the paginator, the page of hotels with their counts: nothing per row.
    assert count_queries() == with_two
    assert with_two <= 8
