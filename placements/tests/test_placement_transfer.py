import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import ExitDestination, Placement
from tests.factories import HotelFactory, PlaceFactory, PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(stay):
    return reverse("placements:placement_transfer", args=[stay.pk])


@pytest.fixture
def stay(db):
    return PlacementFactory(
        resident__nickname="Bambou", place__hotel__name="Hôtel du Canal", start=TODAY - 20 * DAY
    )


@pytest.fixture
def elsewhere(db):
    return PlaceFactory(hotel=HotelFactory(name="Hôtel Crimée"), room="7")


@pytest.mark.django_db
def test_it_moves_the_person_to_another_hotel(client_for, chloe, stay, elsewhere):
    response = client_for(chloe).post(
        _url(stay),
        {"place": elsewhere.pk, "on": TODAY.isoformat(), "reason": "request"},
        follow=True,
    )
    stay.refresh_from_db()
    assert (stay.end, stay.exit_destination) == (TODAY, ExitDestination.TRANSFER)
    new = Placement.objects.get(previous=stay)
    assert (new.resident, new.place, new.start, new.end) == (stay.resident, elsewhere, TODAY, None)
    assert "Bambou est transféré·e à Hôtel Crimée – Chambre 7" in response.content.decode()
    rows = {row.place.pk: row for b in response.context["boards"] for row in b.places}
    assert rows[stay.place_id].state == "free" and rows[elsewhere.pk].state == "occupied"


@pytest.mark.django_db
def test_it_offers_free_places_but_the_current_one(client_for, chloe, stay, elsewhere):
    PlacementFactory(place=PlaceFactory())
    places = client_for(chloe).get(_url(stay)).context["form"].fields["place"].queryset
    assert list(places) == [elsewhere]


@pytest.mark.django_db
def test_it_says_so_when_the_place_was_taken_meanwhile(client_for, chloe, stay, elsewhere):
    client = client_for(chloe)
    client.get(_url(stay))
    PlacementFactory(place=elsewhere, resident__nickname="Plus Rapide", start=TODAY)
    response = client.post(
        _url(stay), {"place": elsewhere.pk, "on": TODAY.isoformat(), "reason": "request"}
    )
    assert "Sélectionnez un choix valide." in response.content.decode()
    stay.refresh_from_db()
    assert stay.end is None


@pytest.mark.django_db
def test_it_shows_the_service_message_when_the_new_place_has_a_later_stay(
    client_for, chloe, stay, elsewhere
):
    PlacementFactory(
        place=elsewhere,
        resident__nickname="Avant",
        start=TODAY - 10 * DAY,
        end=TODAY - 2 * DAY,
        exit_destination="street",
    )
    response = client_for(chloe).post(
        _url(stay),
        {"place": elsewhere.pk, "on": (TODAY - 5 * DAY).isoformat(), "reason": "request"},
    )
    assert "Cette place est déjà occupée par Avant" in response.content.decode()
    stay.refresh_from_db()
    assert stay.end is None and Placement.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "message"),
    [
        (TODAY + DAY, "Un transfert ne peut pas être enregistré à l’avance."),
        (TODAY - 20 * DAY, "Un transfert doit avoir lieu après la date d’entrée."),
    ],
)
def test_it_explains_a_wrong_date(client_for, chloe, stay, elsewhere, on, message):
    response = client_for(chloe).post(
        _url(stay), {"place": elsewhere.pk, "on": on.isoformat(), "reason": "request"}
    )
    assert message in response.content.decode()
    assert Placement.objects.count() == 1


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_transfer(client_for, alice, marc, stay, elsewhere):
    for user in (alice, marc):
        response = client_for(user).post(
            _url(stay), {"place": elsewhere.pk, "on": TODAY.isoformat(), "reason": "request"}
        )
        assert response.status_code == 403
    assert Placement.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_and_405(client_for, chloe, stay):
    client = client_for(chloe)
    assert client.get(reverse("placements:placement_transfer", args=[999999])).status_code == 404
    assert client.delete(_url(stay)).status_code == 405


@pytest.mark.django_db
def test_it_records_why_the_person_moves(client_for, chloe, stay, elsewhere):
    client = client_for(chloe)
    reasons = dict(client.get(_url(stay)).context["form"].fields["reason"].choices)
    assert "incident" in reasons and "not_recorded" not in reasons
    client.post(
        _url(stay),
        {
            "place": elsewhere.pk,
            "on": TODAY.isoformat(),
            "reason": "incident",
            "comment": "Conflit avec le voisin du 3e.",
        },
    )
    stay.refresh_from_db()
    assert (stay.transfer_reason, stay.exit_reason, stay.exit_comment) == (
        "incident",
        "",
        "Conflit avec le voisin du 3e.",
    )
    page = client.get(reverse("placements:placement_detail", args=[stay.pk])).content.decode()
    assert "Motif du transfert" in page and "Incident ou conflit à l’hôtel" in page


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "not_recorded", "exclusion"])
def test_it_asks_for_the_reason_of_a_transfer_and_saves_nothing(
    client_for, chloe, stay, elsewhere, reason
):
    response = client_for(chloe).post(
        _url(stay), {"place": elsewhere.pk, "on": TODAY.isoformat(), "reason": reason}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page or "Sélectionnez un choix valide." in page
    stay.refresh_from_db()
    assert stay.end is None and Placement.objects.count() == 1
