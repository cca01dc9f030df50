import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import IncidentAction
from tests.factories import HotelFactory, IncidentFactory, PlaceFactory, ResidentFactory

URL = reverse("placements:incident_list")
TODAY = timezone.localdate()


@pytest.fixture
def incidents(db):
    canal, crimee = HotelFactory(name="Hôtel du Canal"), HotelFactory(name="Hôtel Crimée")
    return {
        "open_canal": IncidentFactory(hotel=canal, kind="noise"),
        "closed_canal": IncidentFactory(hotel=canal, kind="damage", closed_on=TODAY),
        "open_crimee": IncidentFactory(hotel=crimee, kind="hygiene"),
    }


@pytest.mark.django_db
def test_it_lists_open_incidents_by_default(client_for, marc, incidents):
    response = client_for(marc).get(URL)
    assert set(response.context["page_obj"]) == {incidents["open_canal"], incidents["open_crimee"]}
    assert "Bruit" in response.content.decode()


@pytest.mark.django_db
def test_it_filters_by_status_and_hotel(client_for, alice, incidents):
    client = client_for(alice)
    closed = client.get(URL, {"status": "closed"})
    assert list(closed.context["page_obj"]) == [incidents["closed_canal"]]
    every = client.get(URL, {"status": "all", "hotel": incidents["open_canal"].hotel_id})
    assert set(every.context["page_obj"]) == {incidents["open_canal"], incidents["closed_canal"]}
    assert client.get(URL, {"status": "nonsense"}).context["status"] == "open"


@pytest.mark.django_db
def test_it_offers_to_record_to_care_staff_only(client_for, alice, marc, incidents):
    create = reverse("placements:incident_create")
    assert create in client_for(alice).get(URL).content.decode()
    assert create not in client_for(marc).get(URL).content.decode()


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice, chloe):
    client = client_for(alice)

    def add(count: int) -> None:
        for _ in range(count):
            place = PlaceFactory()
            incident = IncidentFactory(
                hotel=place.hotel, place=place, resident=ResidentFactory(), created_by=chloe
            )
            IncidentAction.objects.create(incident=incident, action="Visite", handled_by=chloe)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"status": "all"}).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(23)  # 25 rows: one page
    # session, user, groups; count and page of incidents with hotel, place, resident and action
    # count; the hotels of the filter: nothing per row.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_shows_each_incident_s_place_person_and_number_of_actions(client_for, alice, chloe):
    place = PlaceFactory(hotel__name="Hôtel du Canal", room="12")
    followed = IncidentFactory(
        hotel=place.hotel, place=place, resident=ResidentFactory(nickname="Bambou")
    )
    for action in ("Appel", "Visite"):
        IncidentAction.objects.create(incident=followed, action=action, handled_by=chloe)
    IncidentFactory(hotel=place.hotel, kind="hygiene")
    response = client_for(alice).get(URL)
    counts = {incident.kind: incident.action_count for incident in response.context["page_obj"]}
    assert counts == {"noise": 2, "hygiene": 0}
    page = response.content.decode()
    assert "Chambre 12" in page and "Bambou" in page and "Hygiène" in page


@pytest.mark.django_db
def test_it_forbids_the_admin_and_other_methods(client_for, ada, alice):
    assert client_for(ada).get(URL).status_code == 403
    assert client_for(alice).delete(URL).status_code == 405
