"""One hotel's round on one day, and moving it as a whole."""

import pytest
from django.urls import reverse

from tests.factories import (
    HotelFactory,
    PlacementFactory,
    StaffAvailabilityFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Visit, VisitStatus
from visits.tests.conftest import DAY, NEXT_MONDAY, TODAY


@pytest.fixture
def round_(db):
    hotel = HotelFactory(name="Hôtel Crimée")
    lea, karim = UserFactory(roles=["social_worker"]), UserFactory(roles=["nurse"])
    for worker in (lea, karim):  # on the roster, Monday to Friday
        StaffAvailabilityFactory(user=worker)
    visits = [
        VisitFactory(placement__place__hotel=hotel, planned_on=NEXT_MONDAY, worker=lea)
        for _ in range(3)
    ]
    Visit.objects.filter(pk=visits[2].pk).update(status=VisitStatus.CANCELLED)
    return {"hotel": hotel, "visits": visits, "lea": lea, "karim": karim}


def _url(round_, day=NEXT_MONDAY) -> str:
    return reverse("visits:round_detail", args=[round_["hotel"].pk, day])


def _move_url(round_) -> str:
    return reverse("visits:round_move", args=[round_["hotel"].pk, NEXT_MONDAY])


@pytest.mark.django_db
def test_it_lists_the_rounds_visits(client_for, alice, round_):
    response = client_for(alice).get(_url(round_))
    assert [v.pk for v in response.context["visits"]] == sorted(
        (v.pk for v in round_["visits"]),
        key=lambda pk: Visit.objects.get(pk=pk).placement.place.room,
    )
    assert response.context["form"] is None
    assert round_["visits"][0].resident.nickname in response.content.decode()


@pytest.mark.django_db
def test_it_moves_the_round_to_another_day_and_team(client_for, chloe, round_):
    thursday = NEXT_MONDAY + 3 * DAY
    response = client_for(chloe).post(
        _move_url(round_),
        {"planned_on": thursday, "worker": round_["karim"].pk, "partner": round_["lea"].pk},
    )
    assert response.status_code == 302
    assert response["Location"] == _url(round_, thursday)
    moved = Visit.objects.filter(pk__in=[v.pk for v in round_["visits"][:2]])
    assert {(v.planned_on, v.worker, v.partner, v.manually_edited) for v in moved} == {
        (thursday, round_["karim"], round_["lea"], True)
    }
    cancelled = Visit.objects.get(pk=round_["visits"][2].pk)
    assert (cancelled.planned_on, cancelled.manually_edited) == (NEXT_MONDAY, False)


@pytest.mark.django_db
def test_it_refuses_a_day_where_someone_already_has_a_visit(client_for, chloe, round_):
    thursday = NEXT_MONDAY + 3 * DAY
    first = round_["visits"][0]
    VisitFactory(placement=first.placement, planned_on=thursday)
    response = client_for(chloe).post(
        _move_url(round_), {"planned_on": thursday, "worker": round_["lea"].pk}
    )
    assert response.status_code == 400
    assert f"Déjà prévu le {thursday:%d/%m/%Y} : {first.resident.nickname}." in (
        response.content.decode()
    )
    assert Visit.objects.filter(planned_on=NEXT_MONDAY, status=VisitStatus.PLANNED).count() == 2


@pytest.mark.django_db
def test_it_refuses_a_past_day_a_day_out_of_the_stay_and_twice_the_same_worker(
    client_for, chloe, round_
):
    client = client_for(chloe)
    lea = round_["lea"].pk
    past = client.post(_move_url(round_), {"planned_on": TODAY - DAY, "worker": lea})
    assert "Une visite ne peut pas être déplacée à un jour passé." in past.content.decode()
    twice = client.post(
        _move_url(round_), {"planned_on": NEXT_MONDAY, "worker": lea, "partner": lea}
    )
    assert "Choisissez une autre personne que le premier intervenant." in twice.content.decode()
    leaving = round_["visits"][0].placement
    leaving.end, leaving.exit_destination, leaving.exit_reason = (
        NEXT_MONDAY + DAY,
        "street",
        "other",
    )
    leaving.save()
    after = client.post(_move_url(round_), {"planned_on": NEXT_MONDAY + 2 * DAY, "worker": lea})
    assert after.status_code == 400 and "n’est pas hébergé·e" in after.content.decode()
    assert not Visit.objects.filter(manually_edited=True).exists()


@pytest.mark.django_db
def test_it_is_for_the_coordinator(client_for, alice, marc, ada, round_):
    data = {"planned_on": NEXT_MONDAY + DAY}
    assert client_for(alice).post(_move_url(round_), data).status_code == 403
    assert client_for(marc).post(_move_url(round_), data).status_code == 403
    assert client_for(marc).get(_url(round_)).status_code == 200
    assert client_for(ada).get(_url(round_)).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_hotel_and_405_to_other_methods(client_for, chloe):
    unknown = client_for(chloe).get(reverse("visits:round_detail", args=[999999, NEXT_MONDAY]))
    assert unknown.status_code == 404
    hotel = PlacementFactory().place.hotel
    moved = client_for(chloe).get(reverse("visits:round_move", args=[hotel.pk, NEXT_MONDAY]))
    assert moved.status_code == 405
