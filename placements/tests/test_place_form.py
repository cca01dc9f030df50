import pytest
from django.urls import reverse

from placements.models import Place, PlaceFeature
from tests.factories import HotelFactory, PlaceFactory


def _data(**overrides):
    return {"room": "12", "bed": "", "floor": "1", "kind": "single", "notes": "", **overrides}


@pytest.mark.django_db
def test_it_adds_a_place_to_the_hotel_in_the_url(client_for, chloe):
    hotel = HotelFactory()
    other = HotelFactory()
    response = client_for(chloe).post(
        reverse("placements:place_create", args=[hotel.pk]),
        _data(features=[PlaceFeature.FRIDGE, PlaceFeature.ACCESSIBLE], hotel=other.pk),
    )
    assert response.status_code == 302
    place = Place.objects.get()
    assert place.hotel == hotel  # the hotel comes from the URL, never from the form data
    assert set(place.features) == {"fridge", "accessible"}


@pytest.mark.django_db
def test_it_refuses_the_same_bed_twice_in_a_hotel(client_for, chloe):
    existing = PlaceFactory(room="12", bed="A")
    response = client_for(chloe).post(
        reverse("placements:place_create", args=[existing.hotel.pk]), _data(room="12", bed="A")
    )
    assert response.status_code == 200
    assert "Cet hôtel a déjà une place avec cette chambre et ce lit." in response.content.decode()
    assert Place.objects.count() == 1


@pytest.mark.django_db
def test_it_allows_the_same_room_label_in_another_hotel(client_for, chloe):
    PlaceFactory(room="12")
    hotel = HotelFactory()
    response = client_for(chloe).post(reverse("placements:place_create", args=[hotel.pk]), _data())
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_rejects_an_impossible_floor(client_for, chloe):
    hotel = HotelFactory()
    response = client_for(chloe).post(
        reverse("placements:place_create", args=[hotel.pk]), _data(floor="99")
    )
    assert response.status_code == 200
    assert "floor" in response.context["form"].errors
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_it_updates_a_place(client_for, chloe):
    place = PlaceFactory(room="3")
    response = client_for(chloe).post(
        reverse("placements:place_update", args=[place.hotel.pk, place.pk]),
        _data(room="4", kind="double", bed="B"),
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.room, place.bed, place.kind) == ("4", "B", "double")


@pytest.mark.django_db
def test_it_answers_404_for_a_place_of_another_hotel(client_for, chloe):
    place = PlaceFactory()
    other_hotel = HotelFactory()
    url = reverse("placements:place_update", args=[other_hotel.pk, place.pk])
    assert client_for(chloe).post(url, _data()).status_code == 404


@pytest.mark.django_db
def test_it_forbids_care_staff(client_for, alice, nina):
    hotel = HotelFactory()
    for user in (alice, nina):
        response = client_for(user).post(
            reverse("placements:place_create", args=[hotel.pk]), _data()
        )
        assert response.status_code == 403
    assert not Place.objects.exists()
