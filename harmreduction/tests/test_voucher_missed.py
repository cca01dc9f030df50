"""A week not given is recorded with its reason: a fact, never a sanction; it can be caught up."""

import pytest
from django.urls import reverse

from harmreduction.models import VoucherDistribution
from harmreduction.services import voucher_give
from harmreduction.tests.conftest import THIS_MONDAY


def _url(resident) -> str:
    return reverse("harmreduction:voucher_missed", args=[resident.pk])


@pytest.mark.django_db
def test_it_shows_the_form_for_the_week(client_for, alice, housed):
    response = client_for(alice).get(_url(housed.resident), {"semaine": THIS_MONDAY.isoformat()})
    assert response.status_code == 200
    assert "Tickets non remis à Caramel" in response.content.decode()


@pytest.mark.django_db
def test_it_records_the_reason(client_for, alice, housed):
    response = client_for(alice).post(
        _url(housed.resident),
        {"semaine": THIS_MONDAY.isoformat(), "reason": "hospital", "note": "Lariboisière"},
        follow=True,
    )
    row = VoucherDistribution.objects.get()
    assert (row.status, row.missed_reason, row.missed_note, row.recorded_by) == (
        "not_given",
        "hospital",
        "Lariboisière",
        alice,
    )
    assert "enregistrés comme non remis" in response.content.decode()
    sheet = client_for(alice).get(reverse("harmreduction:voucher_week"))
    assert "Hospitalisé·e" in sheet.content.decode()
    assert "Rattraper" in sheet.content.decode()


@pytest.mark.django_db
def test_it_explains_a_bad_reason(client_for, alice, housed):
    response = client_for(alice).post(
        _url(housed.resident), {"semaine": THIS_MONDAY.isoformat(), "reason": "punished"}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not VoucherDistribution.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_week_already_given(client_for, alice, housed, vouchers):
    vouchers(5)
    voucher_give(resident=housed.resident, week=THIS_MONDAY, by=alice, where="visit")
    response = client_for(alice).post(
        _url(housed.resident), {"semaine": THIS_MONDAY.isoformat(), "reason": "absent"}
    )
    assert response.status_code == 400
    assert "décochez-les d’abord" in response.content.decode()
    assert VoucherDistribution.objects.count() == 1


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc, housed):
    response = client_for(marc).post(
        _url(housed.resident), {"semaine": THIS_MONDAY.isoformat(), "reason": "absent"}
    )
    assert response.status_code == 403
    assert not VoucherDistribution.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_resident(client_for, alice):
    url = reverse("harmreduction:voucher_missed", args=[999999])
    assert client_for(alice).get(url).status_code == 404


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice, housed):
    assert client_for(alice).delete(_url(housed.resident)).status_code == 405
