import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Hotel
from tests.factories import HotelFactory

CREATE = reverse("placements:hotel_create")


def _data(**overrides):
    data = {
        "name": "Hôtel Neuf",
        "address": "3 rue Test, 75020 Paris",
        "arrondissement": 20,
        "phone": "01 43 00 00 00",
        "contact_name": "Mme Petit",
        "notes": "",
        "active": "on",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_creates_a_hotel(client_for, chloe):
    response = client_for(chloe).post(CREATE, _data(), follow=True)
    hotel = Hotel.objects.get(name="Hôtel Neuf")
    assert response.redirect_chain[-1][0] == reverse("placements:hotel_detail", args=[hotel.pk])
    assert "L’hôtel « Hôtel Neuf » a été créé." in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_duplicate_name_and_keeps_the_input(client_for, chloe):
    HotelFactory(name="Hôtel Neuf")
    response = client_for(chloe).post(CREATE, _data(address="Adresse tapée"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Un objet Hôtel avec ce champ Nom existe déjà." in page
    assert "Adresse tapée" in page
    assert Hotel.objects.count() == 1


@pytest.mark.django_db
def test_it_requires_name_address_and_arrondissement(client_for, chloe):
    response = client_for(chloe).post(CREATE, _data(name="", address="", arrondissement=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "address", "arrondissement"}
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Hotel.objects.exists()


@pytest.mark.django_db
def test_it_updates_and_can_deactivate_a_hotel(client_for, chloe):
    hotel = HotelFactory(name="Hôtel Ancien")
    data = _data(name="Hôtel Ancien")
    del data["active"]
    response = client_for(chloe).post(reverse("placements:hotel_update", args=[hotel.pk]), data)
    assert response.status_code == 302
    hotel.refresh_from_db()
    assert hotel.active is False
    # Made inactive without a date of leaving the scheme: it leaves it today.
    assert hotel.left_on == timezone.localdate()


@pytest.mark.django_db
def test_it_forbids_other_roles(client_for, alice, marc):
    for user in (alice, marc):
        assert client_for(user).post(CREATE, _data()).status_code == 403
    assert not Hotel.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_hotel(client_for, chloe):
    response = client_for(chloe).post(reverse("placements:hotel_update", args=[424242]), _data())
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_rejects_a_post_without_csrf_token(chloe):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(chloe)
    assert client.post(CREATE, _data()).status_code == 403
    assert not Hotel.objects.exists()


@pytest.mark.django_db
def test_it_records_the_dates_of_joining_and_leaving_the_scheme(client_for, chloe):
    hotel = HotelFactory(name="Hôtel Ancien")
    data = _data(name="Hôtel Ancien", joined_on="2024-03-01", left_on="2025-07-01")
    url = reverse("placements:hotel_update", args=[hotel.pk])
    page = client_for(chloe).get(url).content.decode()
    assert "Entré dans le dispositif le" in page
    assert "Sorti du dispositif le" in page
    assert client_for(chloe).post(url, data).status_code == 302
    hotel.refresh_from_db()
    assert (str(hotel.joined_on), str(hotel.left_on)) == ("2024-03-01", "2025-07-01")


@pytest.mark.django_db
def test_it_refuses_leaving_the_scheme_before_joining_it(client_for, chloe):
    hotel = HotelFactory(name="Hôtel Ancien")
    data = _data(name="Hôtel Ancien", joined_on="2025-07-01", left_on="2025-07-01")
    response = client_for(chloe).post(reverse("placements:hotel_update", args=[hotel.pk]), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["left_on"]
    assert (
        "La date de sortie du dispositif doit être postérieure à la date d’entrée."
        in response.content.decode()
    )
    hotel.refresh_from_db()
    assert hotel.joined_on is None and hotel.left_on is None
