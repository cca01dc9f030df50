import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Incident
from tests.factories import HotelFactory, PlaceFactory, PlacementFactory, ResidentFactory

URL = reverse("placements:incident_create")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def stay(db):
    return PlacementFactory(resident__nickname="Bambou")


def _data(stay, **overrides):
    data = {
        "hotel": stay.place.hotel_id,
        "place": stay.place_id,
        "resident": stay.resident_id,
        "occurred_on": TODAY.isoformat(),
        "kind": "noise",
        "description": "Musique forte après minuit, plainte des voisins.",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_records_an_incident_about_a_resident(client_for, alice, stay):
    response = client_for(alice).post(URL, _data(stay), follow=True)
    incident = Incident.objects.get()
    assert (incident.hotel, incident.place, incident.resident, incident.created_by) == (
        stay.place.hotel,
        stay.place,
        stay.resident,
        alice,
    )
    assert incident.closed_on is None
    assert "L’incident a été enregistré." in response.content.decode()
    board = client_for(alice).get(reverse("placements:board"))
    rows = {row.place.pk: row for b in board.context["boards"] for row in b.places}
    assert rows[stay.place_id].incidents == [incident]


@pytest.mark.django_db
def test_it_records_an_incident_about_the_hotel_only(client_for, chloe, stay):
    client_for(chloe).post(URL, _data(stay, place="", resident=""))
    incident = Incident.objects.get()
    assert (incident.place, incident.resident) == (None, None)


@pytest.mark.django_db
def test_it_prefills_from_the_board(client_for, nina, stay):
    response = client_for(nina).get(URL, {"hotel": stay.place.hotel_id, "place": stay.place_id})
    assert response.context["form"].initial["hotel"] == stay.place.hotel_id
    assert response.context["form"].initial["place"] == stay.place_id
    assert list(response.context["form"].fields["resident"].queryset) == [stay.resident]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("place", "Cette place n’est pas dans cet hôtel."),
        ("occurred_on", "Un incident ne peut pas être daté dans le futur."),
        ("description", "Ce champ est obligatoire."),
    ],
)
def test_it_explains_bad_input(client_for, alice, stay, field, message):
    bad = {
        "place": PlaceFactory(hotel=HotelFactory()).pk,
        "occurred_on": (TODAY + DAY).isoformat(),
        "description": "",
    }[field]
    response = client_for(alice).post(URL, _data(stay, **{field: bad}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_it_only_offers_people_housed_today(client_for, alice, stay):
    outsider = ResidentFactory()
    response = client_for(alice).post(URL, _data(stay, resident=outsider.pk))
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_it_lets_the_manager_read_but_not_record(client_for, marc, ada, stay):
    assert client_for(marc).post(URL, _data(stay)).status_code == 403
    assert client_for(ada).get(URL).status_code == 403
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice):
    assert client_for(alice).delete(URL).status_code == 405
