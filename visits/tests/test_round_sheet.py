"""A worker's round sheet of a day, printed as a PDF (WeasyPrint, stylesheet read from disk)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import HotelFactory, UserFactory, VisitFactory
from visits.tests.conftest import DAY, TODAY


def _url(worker, day=TODAY) -> str:
    return reverse("visits:round_sheet", args=[day, worker.pk])


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_it_prints_the_workers_round_with_the_residents_names(client_for, alice):
    lea = UserFactory(first_name="Léa", last_name="Moreau")
    hotel = HotelFactory(name="Hôtel des Lilas")
    for nickname, room in (("Bouboule", "101"), ("La Puce", "204")):
        VisitFactory(
            worker=lea,
            placement__resident__nickname=nickname,
            placement__place__hotel=hotel,
            placement__place__room=room,
        )
    VisitFactory(worker=UserFactory(), placement__resident__nickname="Autre Tournée")
    VisitFactory(worker=lea, planned_on=TODAY + DAY, placement__resident__nickname="Demain")

    response = client_for(alice).get(_url(lea))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _text(response)
    assert "Bouboule" in text and "La Puce" in text and "Hôtel des Lilas" in text
    assert "Léa Moreau" in text and "Feuille de tournée" in text
    assert "Autre Tournée" not in text and "Demain" not in text


@pytest.mark.django_db
def test_it_prints_an_empty_day(client_for, chloe):
    text = _text(client_for(chloe).get(_url(UserFactory())))
    assert "Aucune visite prévue ce jour-là." in text


@pytest.mark.django_db
def test_it_is_for_the_staff(client_for, ada, marc):
    worker = UserFactory()
    assert client_for(ada).get(_url(worker)).status_code == 403
    assert client_for(marc).get(_url(worker)).status_code == 200


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_worker_and_405_to_post(client_for, alice):
    assert (
        client_for(alice).get(reverse("visits:round_sheet", args=[TODAY, 999999])).status_code
        == 404
    )
    assert client_for(alice).post(_url(alice)).status_code == 405
