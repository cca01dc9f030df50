"""Putting a place out of service from the board, with a reason chosen from a list."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from placements.models import OutageReason, PlaceOutage
from tests.factories import PlaceFactory, PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
BOARD = reverse("placements:board")


def _url(place) -> str:
    return f"{reverse('placements:outage_create', args=[place.pk])}?depuis=tableau"


@pytest.mark.django_db
def test_the_board_offers_it_on_a_free_place_to_the_coordinator(client_for, chloe, alice):
    free = PlaceFactory()
    occupied = PlacementFactory(place=PlaceFactory(hotel=free.hotel)).place
    page = client_for(chloe).get(BOARD).content.decode()
    assert f'href="{_url(free)}"' in page
    assert _url(occupied) not in page
    assert _url(free) not in client_for(alice).get(BOARD).content.decode()


@pytest.mark.django_db
def test_it_records_the_reason_and_goes_back_to_the_board(client_for, chloe):
    place = PlaceFactory()
    client = client_for(chloe)
    form = client.get(_url(place)).content.decode()
    assert "Décision de l’hôtel" in form and "Travaux" in form
    response = client.post(_url(place), {"start": TODAY, "kind": "works", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}#place-{place.pk}"
    outage = PlaceOutage.objects.get(place=place)
    assert (outage.kind, outage.reason_label) == (OutageReason.WORKS, "Travaux")
    board = client.get(BOARD).content.decode()
    assert "Travaux" in board


@pytest.mark.django_db
def test_it_shows_the_details_with_the_reason(client_for, chloe):
    place = PlaceFactory()
    client_for(chloe).post(
        _url(place), {"start": TODAY, "kind": "damage", "reason": "Fuite sous l’évier"}
    )
    board = client_for(chloe).get(BOARD).content.decode()
    assert "Dégâts : Fuite sous l’évier" in board


@pytest.mark.django_db
def test_other_needs_its_text_and_nothing_is_saved_without_it(client_for, chloe):
    place = PlaceFactory()
    client = client_for(chloe)
    response = client.post(_url(place), {"start": TODAY, "kind": "other", "reason": "  "})
    assert response.status_code == 200
    assert "Précisez pourquoi la place est hors service." in response.content.decode()
    unknown = client.post(_url(place), {"start": TODAY, "kind": "flood", "reason": "x"})
    assert "Sélectionnez un choix valide." in unknown.content.decode()
    assert not PlaceOutage.objects.exists()


@pytest.mark.django_db
def test_it_is_for_the_coordinator(client_for, alice, marc):
    place = PlaceFactory()
    for user in (alice, marc):
        response = client_for(user).post(_url(place), {"start": TODAY, "kind": "works"})
        assert response.status_code == 403
    assert not PlaceOutage.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_place_or_another_place_s_outage(client_for, chloe):
    assert client_for(chloe).get(_url(PlaceFactory.build(pk=999999))).status_code == 404
    outage = PlaceOutage.objects.create(place=PlaceFactory(), start=TODAY, kind="works")
    other = PlaceFactory()
    url = reverse("placements:outage_update", args=[other.pk, outage.pk])
    assert client_for(chloe).post(url, {"start": TODAY, "kind": "other"}).status_code == 404


@pytest.mark.django_db
def test_the_migration_gives_existing_outages_a_reason_from_their_text():
    migration = importlib.import_module("placements.migrations.0006_outage_reason_kind")
    texts = ["Travaux de peinture", "Dégât des eaux", "Fermeture décidée par l’hôtel", "Punaises"]
    outages = [
        PlaceOutage.objects.create(place=PlaceFactory(), start=TODAY, reason=text) for text in texts
    ]
    migration.classify_existing_outages(apps, None)
    assert [PlaceOutage.objects.get(pk=o.pk).kind for o in outages] == [
        "works",
        "damage",
        "hotel_decision",
        "other",
    ]
