"""Assigning a free place from the board: candidates, then confirmation (three clicks)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Placement, PlaceOutage
from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory, PlaceFactory, PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _candidates(place):
    return reverse("placements:assign_candidates", args=[place.pk])


def _confirm(place, request):
    return reverse("placements:assign_confirm", args=[place.pk, request.pk])


@pytest.fixture
def place(db):
    return PlaceFactory(room="12", hotel__name="Hôtel du Canal")


@pytest.fixture
def top_of_the_list(db):
    """The waiting list: Bambou (priority 12) before Coco (priority 6)."""
    top = AdmissionRequestFactory(
        resident__nickname="Bambou", psychic_situation=4, isolation=4, vulnerability=4
    )
    AdmissionRequestFactory(
        resident__nickname="Coco", psychic_situation=2, isolation=2, vulnerability=2
    )
    return top


@pytest.mark.django_db
def test_it_assigns_the_top_of_the_waiting_list_in_three_clicks(
    client_for, chloe, place, top_of_the_list
):
    client = client_for(chloe)
    board = client.get(reverse("placements:board")).content.decode()
    # Click 1: "Assign" on the free place.
    assert _candidates(place) in board
    candidates = client.get(_candidates(place))
    # Click 2: the first button of the waiting list.
    links = re.findall(r'href="(/hotels/places/\d+/attribuer/\d+/)"', candidates.content.decode())
    assert links[0] == _confirm(place, top_of_the_list)
    confirm = client.get(links[0])
    assert confirm.context["form"].initial["start"] == TODAY
    # Click 3: confirm with the date prefilled.
    response = client.post(links[0], {"start": TODAY.isoformat()}, follow=True)

    stay = Placement.objects.get()
    assert (stay.resident, stay.place, stay.start, stay.end) == (
        top_of_the_list.resident,
        place,
        TODAY,
        None,
    )
    assert (stay.admission, stay.created_by) == (top_of_the_list, chloe)
    top_of_the_list.refresh_from_db()
    assert top_of_the_list.status == AdmissionStatus.ADMITTED
    assert top_of_the_list.decided_by == chloe
    assert response.redirect_chain[-1][0] == f"{reverse('placements:board')}#place-{place.pk}"
    assert "Bambou est hébergé·e à Hôtel du Canal – Chambre 12" in response.content.decode()
    rows = {row.place.pk: row for b in response.context["boards"] for row in b.places}
    assert rows[place.pk].state == "occupied"


@pytest.mark.django_db
def test_it_lists_admitted_people_first_then_the_waiting_list(
    client_for, chloe, place, top_of_the_list
):
    admitted = AdmissionRequestFactory(
        resident__nickname="Admis", status=AdmissionStatus.ADMITTED, decided_on=TODAY
    )
    housed = AdmissionRequestFactory(status=AdmissionStatus.ADMITTED, decided_on=TODAY)
    PlacementFactory(resident=housed.resident, start=TODAY)
    response = client_for(chloe).get(_candidates(place))
    assert response.context["admitted"] == [admitted]
    assert [row.request.resident.nickname for row in response.context["waiting"]] == [
        "Bambou",
        "Coco",
    ]
    page = response.content.decode()
    assert page.index(_confirm(place, admitted)) < page.index(_confirm(place, top_of_the_list))


@pytest.mark.django_db
def test_it_gives_the_place_to_an_admitted_person(client_for, chloe, place):
    admitted = AdmissionRequestFactory(status=AdmissionStatus.ADMITTED, decided_on=TODAY - DAY)
    client_for(chloe).post(_confirm(place, admitted), {"start": TODAY.isoformat()})
    stay = Placement.objects.get()
    assert (stay.resident, stay.admission) == (admitted.resident, admitted)
    admitted.refresh_from_db()
    assert admitted.decided_on == TODAY - DAY


@pytest.mark.django_db
def test_it_accepts_an_earlier_entry_date(client_for, chloe, place, top_of_the_list):
    client_for(chloe).post(
        _confirm(place, top_of_the_list), {"start": (TODAY - 3 * DAY).isoformat()}
    )
    assert Placement.objects.get().start == TODAY - 3 * DAY


@pytest.mark.django_db
def test_it_refuses_an_entry_in_the_future(client_for, chloe, place, top_of_the_list):
    response = client_for(chloe).post(
        _confirm(place, top_of_the_list), {"start": (TODAY + DAY).isoformat()}
    )
    assert response.status_code == 200
    assert "La date d’entrée ne peut pas être dans le futur." in response.content.decode()
    assert not Placement.objects.exists()
    top_of_the_list.refresh_from_db()
    assert top_of_the_list.status == AdmissionStatus.WAITING


@pytest.mark.django_db
def test_it_refuses_a_missing_date(client_for, chloe, place, top_of_the_list):
    response = client_for(chloe).post(_confirm(place, top_of_the_list), {"start": ""})
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_it_says_so_when_the_place_was_taken_meanwhile(client_for, chloe, place, top_of_the_list):
    client = client_for(chloe)
    assert client.get(_confirm(place, top_of_the_list)).status_code == 200
    # Another coordinator gives the place between the page and the confirmation.
    PlacementFactory(place=place, resident__nickname="Plus Rapide", start=TODAY)

    response = client.post(_confirm(place, top_of_the_list), {"start": TODAY.isoformat()})

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("Cette place est déjà occupée par Plus Rapide" in error for error in errors)
    assert "Cette place est déjà occupée par Plus Rapide" in response.content.decode()
    assert list(Placement.objects.values_list("resident__nickname", flat=True)) == ["Plus Rapide"]
    top_of_the_list.refresh_from_db()
    assert top_of_the_list.status == AdmissionStatus.WAITING, "the admission is rolled back"


@pytest.mark.django_db
def test_it_says_so_when_the_person_is_already_housed(client_for, chloe, place):
    admitted = AdmissionRequestFactory(status=AdmissionStatus.ADMITTED, decided_on=TODAY)
    PlacementFactory(resident=admitted.resident, start=TODAY - 5 * DAY)
    response = client_for(chloe).post(_confirm(place, admitted), {"start": TODAY.isoformat()})
    assert "a déjà une place" in response.content.decode()
    assert Placement.objects.count() == 1


@pytest.mark.django_db
def test_it_sends_back_to_the_board_when_the_place_is_not_free(client_for, chloe, place):
    PlaceOutage.objects.create(place=place, start=TODAY, reason="Travaux")
    response = client_for(chloe).get(_candidates(place), follow=True)
    assert "Cette place n’est pas libre aujourd’hui." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [AdmissionStatus.REFUSED, AdmissionStatus.LOST])
def test_it_answers_404_for_a_request_that_cannot_be_housed(client_for, chloe, place, status):
    request = AdmissionRequestFactory(
        status=status, decided_on=timezone.localdate(), decision_reason="Raison"
    )
    assert client_for(chloe).get(_confirm(place, request)).status_code == 404


@pytest.mark.django_db
def test_it_answers_404_for_unknown_places_and_requests(client_for, chloe, place, top_of_the_list):
    client = client_for(chloe)
    assert client.get(reverse("placements:assign_candidates", args=[999999])).status_code == 404
    assert (
        client.get(
            reverse("placements:assign_confirm", args=[999999, top_of_the_list.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("placements:assign_confirm", args=[place.pk, 999999])).status_code == 404
    )


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_assign(client_for, alice, marc, place, top_of_the_list):
    for user in (alice, marc):
        client = client_for(user)
        assert client.get(_candidates(place)).status_code == 403
        response = client.post(_confirm(place, top_of_the_list), {"start": TODAY.isoformat()})
        assert response.status_code == 403
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe, place, top_of_the_list):
    client = client_for(chloe)
    assert client.post(_candidates(place)).status_code == 405
    assert client.delete(_confirm(place, top_of_the_list)).status_code == 405
