"""Giving a place to a person from their file."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Placement, PlaceOutage
from residents.models import AdmissionStatus
from tests.factories import (
    AdmissionRequestFactory,
    HotelFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _url(resident):
    return reverse("placements:resident_assign", args=[resident.pk])


@pytest.mark.django_db
def test_it_offers_the_free_places_only(client_for, chloe):
    free = PlaceFactory(room="1")
    PlacementFactory(place=PlaceFactory(room="2"))
    out = PlaceFactory(room="3")
    PlaceOutage.objects.create(place=out, start=TODAY - DAY, reason="Travaux")
    PlaceFactory(room="4", hotel=HotelFactory(active=False))
    response = client_for(chloe).get(_url(ResidentFactory()))
    assert list(response.context["form"].fields["place"].queryset) == [free]


@pytest.mark.django_db
def test_it_gives_a_place_and_admits_the_waiting_request(client_for, chloe):
    request = AdmissionRequestFactory()
    place = PlaceFactory()
    response = client_for(chloe).post(
        _url(request.resident), {"place": place.pk, "start": TODAY.isoformat()}
    )
    assert response.status_code == 302
    stay = Placement.objects.get()
    assert (stay.resident, stay.place, stay.admission) == (request.resident, place, request)
    request.refresh_from_db()
    assert request.status == AdmissionStatus.ADMITTED


@pytest.mark.django_db
def test_it_links_an_admitted_request_not_yet_followed_by_a_place(client_for, chloe):
    old = AdmissionRequestFactory(
        status=AdmissionStatus.ADMITTED,
        decided_on=TODAY - 400 * DAY,
        received_on=TODAY - 420 * DAY,
    )
    PlacementFactory(
        resident=old.resident,
        start=TODAY - 390 * DAY,
        end=TODAY - 100 * DAY,
        exit_destination="street",
        admission=old,
    )
    place = PlaceFactory()
    client_for(chloe).post(_url(old.resident), {"place": place.pk, "start": TODAY.isoformat()})
    new = Placement.objects.get(place=place)
    assert new.admission is None, "that request was answered by the first stay"


@pytest.mark.django_db
def test_it_houses_a_person_without_a_request(client_for, chloe):
    resident, place = ResidentFactory(), PlaceFactory()
    client_for(chloe).post(_url(resident), {"place": place.pk, "start": TODAY.isoformat()})
    assert Placement.objects.get().resident == resident


@pytest.mark.django_db
def test_it_explains_why_an_archived_file_gets_no_place(client_for, chloe):
    resident = ResidentFactory()
    resident.archive(by=chloe)
    response = client_for(chloe).post(
        _url(resident), {"place": PlaceFactory().pk, "start": TODAY.isoformat()}
    )
    assert "Ce dossier est archivé : rouvrez-le avant d’attribuer une place." in (
        response.content.decode()
    )
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_it_explains_that_the_person_is_already_housed(client_for, chloe):
    stay = PlacementFactory(resident__nickname="Déjà Logé")
    response = client_for(chloe).post(
        _url(stay.resident), {"place": PlaceFactory().pk, "start": TODAY.isoformat()}
    )
    assert "Déjà Logé a déjà une place" in response.content.decode()
    assert Placement.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_place_that_is_not_free(client_for, chloe):
    taken = PlacementFactory().place
    response = client_for(chloe).post(
        _url(ResidentFactory()), {"place": taken.pk, "start": TODAY.isoformat()}
    )
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert Placement.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_person(client_for, chloe):
    assert (
        client_for(chloe).get(reverse("placements:resident_assign", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_assign(client_for, alice, marc):
    resident, place = ResidentFactory(), PlaceFactory()
    for user in (alice, marc):
        response = client_for(user).post(
            _url(resident), {"place": place.pk, "start": TODAY.isoformat()}
        )
        assert response.status_code == 403
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe):
    assert client_for(chloe).put(_url(ResidentFactory())).status_code == 405


@pytest.mark.django_db
def test_an_anonymised_file_gets_no_place(chloe):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from placements.services import placement_assign

    resident = ResidentFactory()
    resident.anonymised_at = timezone.now()
    with pytest.raises(ValidationError) as refused:
        placement_assign(resident=resident, place=PlaceFactory(), start=TODAY, by=chloe)
    assert "nouveau dossier" in refused.value.message_dict["resident"][0]
    assert not Placement.objects.exists()
