"""A place where someone lives cannot be put out of service: the person must be moved first.

Checked under concurrency like the stays: an outage and an assignment of the same place sent at
the same moment, exactly one of them is recorded.
"""

import datetime
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from placements.models import Placement, PlaceOutage
from placements.occupancy import out_of_service_places
from tests.concurrency import Rendezvous, run_at_once
from tests.factories import (
    AdmissionRequestFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
    UserFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _create(client, place, **data):
    data.setdefault("kind", "other")
    return client.post(reverse("placements:outage_create", args=[place.pk]), data)


@pytest.mark.django_db
def test_it_refuses_to_put_an_occupied_place_out_of_service_and_names_the_person(client_for, chloe):
    stay = PlacementFactory(resident=ResidentFactory(nickname="Caramel"))
    response = _create(client_for(chloe), stay.place, start=TODAY, reason="Dégât des eaux")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Caramel occupe cette place depuis le" in page
    assert "changez-la de place ou terminez le séjour" in page
    assert not PlaceOutage.objects.exists()
    assert not out_of_service_places(TODAY).exists()


@pytest.mark.django_db
def test_it_refuses_a_later_outage_over_an_open_stay(client_for, chloe):
    stay = PlacementFactory()
    response = _create(
        client_for(chloe), stay.place, start=TODAY + 30 * DAY, end=TODAY + 40 * DAY, reason="X"
    )
    assert response.status_code == 200
    assert not PlaceOutage.objects.exists()


@pytest.mark.django_db
def test_it_accepts_an_outage_from_the_day_the_stay_ended(client_for, chloe):
    stay = PlacementFactory(end=TODAY, exit_destination="housing")
    response = _create(client_for(chloe), stay.place, start=TODAY, reason="Peinture")
    assert response.status_code == 302
    assert out_of_service_places(TODAY).get() == stay.place


@pytest.mark.django_db
def test_it_refuses_to_stretch_an_outage_over_a_stay(client_for, chloe):
    place = PlaceFactory()
    outage = PlaceOutage.objects.create(place=place, start=TODAY - 20 * DAY, end=TODAY - 15 * DAY)
    PlacementFactory(place=place, start=TODAY - 10 * DAY)
    response = client_for(chloe).post(
        reverse("placements:outage_update", args=[place.pk, outage.pk]),
        {"start": TODAY - 20 * DAY, "end": "", "kind": "works", "reason": ""},
    )
    assert response.status_code == 200
    outage.refresh_from_db()
    assert outage.end == TODAY - 15 * DAY


@pytest.fixture
def meet_before_writing(monkeypatch):
    """The outage and the stay both checked the place and meet right before writing."""
    rendezvous = Rendezvous(2)
    outage_save, placement_save = PlaceOutage.save, Placement.save

    def save_outage(self, *args, **kwargs):
        rendezvous.wait()
        return outage_save(self, *args, **kwargs)

    def save_stay(self, *args, **kwargs):
        if self._state.adding:
            rendezvous.wait()
        return placement_save(self, *args, **kwargs)

    monkeypatch.setattr(PlaceOutage, "save", save_outage)
    monkeypatch.setattr(Placement, "save", save_stay)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("meet_before_writing")
def test_an_outage_and_an_assignment_at_the_same_moment_one_wins(client_for, chloe):
    other = client_for(UserFactory(roles=[Role.COORDINATOR]))
    place = PlaceFactory()
    request = AdmissionRequestFactory()
    outcomes = run_at_once(
        partial(_create, client_for(chloe), place, start=TODAY.isoformat(), reason="Travaux"),
        partial(
            other.post,
            reverse("placements:assign_confirm", args=[place.pk, request.pk]),
            {"start": TODAY.isoformat()},
        ),
    )
    assert [outcome.status_code for outcome in outcomes].count(302) == 1
    assert (
        PlaceOutage.objects.filter(place=place).count()
        + Placement.objects.filter(place=place).count()
        == 1
    )
