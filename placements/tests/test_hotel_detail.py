import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import PlaceOutage
from tests.factories import HotelFactory, IncidentFactory, PlaceFactory, PlacementFactory


def _url(hotel):
    return reverse("placements:hotel_detail", args=[hotel.pk])


@pytest.mark.django_db
def test_it_shows_places_and_which_are_out_of_service(client_for, alice):
    hotel = HotelFactory(name="Hôtel du Canal")
    in_service = PlaceFactory(hotel=hotel, room="101")
    out = PlaceFactory(hotel=hotel, room="102")
    today = timezone.localdate()
    PlaceOutage.objects.create(
        place=out, start=today - datetime.timedelta(days=1), reason="Dégât des eaux"
    )
    response = client_for(alice).get(_url(hotel))
    assert response.status_code == 200
    rows = {row.place.pk: row.outage for row in response.context["rows"]}
    assert rows[in_service.pk] is None
    assert rows[out.pk].reason == "Dégât des eaux"
    assert "Dégât des eaux" in response.content.decode()
    assert response.context["out_of_service"] == 1


@pytest.mark.django_db
def test_it_ignores_outages_that_are_over_or_not_started(client_for, alice):
    place = PlaceFactory()
    today = timezone.localdate()
    PlaceOutage.objects.create(
        place=place,
        start=today - datetime.timedelta(days=10),
        end=today - datetime.timedelta(days=5),
        reason="Ancien",
    )
    PlaceOutage.objects.create(
        place=place, start=today + datetime.timedelta(days=5), reason="Futur"
    )
    response = client_for(alice).get(_url(place.hotel))
    assert response.context["rows"][0].outage is None


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_hotel(client_for, alice):
    assert (
        client_for(alice).get(reverse("placements:hotel_detail", args=[999999])).status_code == 404
    )


@pytest.mark.django_db
def test_it_hides_management_buttons_from_care_staff(client_for, alice, chloe):
    place = PlaceFactory()
    edit = reverse("placements:place_update", args=[place.hotel.pk, place.pk])
    assert edit in client_for(chloe).get(_url(place.hotel)).content.decode()
    assert edit not in client_for(alice).get(_url(place.hotel)).content.decode()


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    hotel = HotelFactory()
    PlaceFactory.create_batch(2, hotel=hotel)
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(_url(hotel))
        return len(queries)

    with_two = count_queries()
    for place in PlaceFactory.create_batch(48, hotel=hotel):
        PlaceOutage.objects.create(place=place, start=timezone.localdate(), reason="Travaux")
    # hotel, places, their current outages (one prefetch): nothing per place.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_shows_current_occupants_and_open_incidents(client_for, alice):
    hotel = HotelFactory()
    stay = PlacementFactory(place__hotel=hotel, resident__nickname="Bambou")
    IncidentFactory(hotel=hotel, place=stay.place, kind="hygiene")
    IncidentFactory(hotel=hotel, kind="complaint")
    response = client_for(alice).get(_url(hotel))
    (row,) = response.context["rows"]
    assert row.stay == stay and row.state == "occupied"
    page = response.content.decode()
    assert "Bambou" in page and "Hygiène" in page and "Plainte de l’hôtel" in page


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_with_occupants(client_for, alice):
    hotel = HotelFactory()
    for place in PlaceFactory.create_batch(2, hotel=hotel):
        PlacementFactory(place=place)
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(_url(hotel))
        return len(queries)

    with_two = count_queries()
    for place in PlaceFactory.create_batch(30, hotel=hotel):
        PlacementFactory(place=place)
        IncidentFactory(hotel=hotel, place=place)
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_shows_the_dates_of_joining_and_leaving_the_scheme(client_for, alice):
    hotel = HotelFactory(
        joined_on=datetime.date(2024, 3, 1), left_on=datetime.date(2025, 7, 1), active=False
    )
    page = " ".join(client_for(alice).get(_url(hotel)).content.decode().split())
    assert "Dans le dispositif depuis le 1 mars 2024" in page
    assert "Sorti du dispositif le 1 juillet 2025" in page


@pytest.mark.django_db
def test_it_does_not_ask_for_last_visits_it_does_not_show(client_for, alice):
    from placements import hooks

    stay = PlacementFactory()
    asked = []
    previous = hooks.last_visit_finder
    hooks.register_last_visit_finder(lambda resident_ids: asked.append(resident_ids) or {})
    try:
        response = client_for(alice).get(_url(stay.place.hotel))
    finally:
        hooks.register_last_visit_finder(previous)
    assert response.status_code == 200 and asked == []
    assert 'data-testid="last-visit"' not in response.content.decode()
