import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import PlaceOutage
from placements.occupancy import out_of_service_places
from tests.factories import PlaceFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _create(client, place, **data):
    data.setdefault("kind", "other")
    return client.post(reverse("placements:outage_create", args=[place.pk]), data)


@pytest.mark.django_db
def test_it_puts_a_place_out_of_service(client_for, chloe):
    place = PlaceFactory()
    response = _create(
        client_for(chloe), place, start=TODAY, end=TODAY + 10 * DAY, reason="Peinture"
    )
    assert response.status_code == 302
    assert out_of_service_places(TODAY).get() == place
    assert not out_of_service_places(TODAY + 10 * DAY).exists()


@pytest.mark.django_db
def test_it_refuses_an_end_before_the_start(client_for, chloe):
    place = PlaceFactory()
    response = _create(client_for(chloe), place, start=TODAY, end=TODAY - DAY, reason="X")
    assert response.status_code == 200
    assert "La date de fin doit être postérieure à la date de début." in response.content.decode()
    assert not PlaceOutage.objects.exists()


@pytest.mark.django_db
def test_it_refuses_overlapping_periods(client_for, chloe):
    place = PlaceFactory()
    PlaceOutage.objects.create(place=place, start=TODAY, end=TODAY + 5 * DAY, reason="Travaux")
    response = _create(client_for(chloe), place, start=TODAY + 2 * DAY, reason="Autre")
    assert response.status_code == 200
    assert (
        "Cette place est déjà hors service pendant une partie de cette période."
        in response.content.decode()
    )
    assert PlaceOutage.objects.count() == 1


@pytest.mark.django_db
def test_it_allows_back_to_back_periods(client_for, chloe):
    place = PlaceFactory()
    PlaceOutage.objects.create(place=place, start=TODAY, end=TODAY + 5 * DAY, reason="Travaux")
    response = _create(client_for(chloe), place, start=TODAY + 5 * DAY, reason="Suite")
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_puts_a_place_back_in_service_today(client_for, chloe):
    place = PlaceFactory()
    outage = PlaceOutage.objects.create(place=place, start=TODAY - 3 * DAY, reason="Travaux")
    response = client_for(chloe).post(reverse("placements:outage_end", args=[place.pk, outage.pk]))
    assert response.status_code == 302
    outage.refresh_from_db()
    assert outage.end == TODAY
    assert not out_of_service_places(TODAY).exists()


@pytest.mark.django_db
def test_it_does_not_end_a_period_that_has_not_started(client_for, chloe):
    place = PlaceFactory()
    outage = PlaceOutage.objects.create(place=place, start=TODAY + 3 * DAY, reason="Prévu")
    response = client_for(chloe).post(
        reverse("placements:outage_end", args=[place.pk, outage.pk]), follow=True
    )
    outage.refresh_from_db()
    assert outage.end is None
    assert "modifiez plutôt ses dates" in response.content.decode()


@pytest.mark.django_db
def test_it_only_ends_on_post(client_for, chloe):
    place = PlaceFactory()
    outage = PlaceOutage.objects.create(place=place, start=TODAY - DAY, reason="Travaux")
    response = client_for(chloe).get(reverse("placements:outage_end", args=[place.pk, outage.pk]))
    assert response.status_code == 405


@pytest.mark.django_db
def test_it_answers_404_for_an_outage_of_another_place(client_for, chloe):
    outage = PlaceOutage.objects.create(place=PlaceFactory(), start=TODAY - DAY, reason="Travaux")
    other = PlaceFactory()
    response = client_for(chloe).post(reverse("placements:outage_end", args=[other.pk, outage.pk]))
    assert response.status_code == 404
    url = reverse("placements:outage_update", args=[other.pk, outage.pk])
    assert client_for(chloe).get(url).status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc):
    place = PlaceFactory()
    assert _create(client_for(marc), place, start=TODAY, reason="X").status_code == 403
    assert not PlaceOutage.objects.exists()
