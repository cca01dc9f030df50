import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Absence
from tests.factories import PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(stay):
    return reverse("placements:absence_create", args=[stay.pk])


def _data(**overrides):
    data = {
        "reason": "hospital",
        "start": TODAY.isoformat(),
        "planned_return": (TODAY + 7 * DAY).isoformat(),
        "end": "",
        "notes": "",
    }
    return {**data, **overrides}


@pytest.fixture
def stay(db):
    return PlacementFactory(start=TODAY - 30 * DAY)


@pytest.mark.django_db
def test_it_records_an_absence_and_the_board_shows_the_place_held(client_for, chloe, stay):
    response = client_for(chloe).post(_url(stay), _data(released="on"), follow=True)
    absence = Absence.objects.get()
    assert (absence.placement, absence.start, absence.end, absence.released) == (
        stay,
        TODAY,
        None,
        True,
    )
    assert "L’absence a été enregistrée." in response.content.decode()
    board = client_for(chloe).get(reverse("placements:board"))
    rows = {row.place.pk: row for b in board.context["boards"] for row in b.places}
    assert rows[stay.place_id].state == "held"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"start": (TODAY - 40 * DAY).isoformat()},
            "Une absence ne peut pas commencer avant le séjour.",
        ),
        (
            {"planned_return": (TODAY - DAY).isoformat()},
            "Le retour prévu ne peut pas précéder le début de l’absence.",
        ),
        ({"end": (TODAY + DAY).isoformat()}, "Le retour ne peut pas être enregistré à l’avance."),
        ({"start": "", "reason": ""}, "Ce champ est obligatoire."),
    ],
)
def test_it_explains_bad_input(client_for, chloe, stay, data, message):
    response = client_for(chloe).post(_url(stay), _data(**data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Absence.objects.exists()


@pytest.mark.django_db
def test_it_refuses_overlapping_absences(client_for, chloe, stay):
    Absence.objects.create(placement=stay, start=TODAY - 5 * DAY, reason="travel")
    response = client_for(chloe).post(_url(stay), _data())
    assert "Une absence est déjà enregistrée à ces dates." in response.content.decode()
    assert Absence.objects.count() == 1


@pytest.mark.django_db
def test_it_sends_an_ended_stay_back_to_its_page(client_for, chloe):
    ended = PlacementFactory(start=TODAY - 9 * DAY, end=TODAY - DAY, exit_destination="street")
    response = client_for(chloe).post(_url(ended), _data(start=(TODAY - 5 * DAY).isoformat()))
    assert response.status_code == 302
    assert not Absence.objects.exists()


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_record(client_for, alice, marc, stay):
    for user in (alice, marc):
        assert client_for(user).post(_url(stay), _data()).status_code == 403
    assert not Absence.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_and_405(client_for, chloe, stay):
    client = client_for(chloe)
    assert client.get(reverse("placements:absence_create", args=[999999])).status_code == 404
    assert client.delete(_url(stay)).status_code == 405
