"""Ticking a line of the weekly sheet: the week's vouchers are handed out, here and now."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from harmreduction.models import VoucherDistribution, VoucherLedgerKind, VoucherLedgerLine
from harmreduction.services import voucher_record_missed
from harmreduction.tests.conftest import DAY, LAST_MONDAY, THIS_MONDAY, TODAY, WEEK, voucher_balance
from tests.factories import PlacementFactory, ResidentFactory


def _url(resident) -> str:
    return reverse("harmreduction:voucher_give", args=[resident.pk])


def _give(client, resident, week=THIS_MONDAY, where="visit", **extra):
    return client.post(_url(resident), {"week": week.isoformat(), "where": where}, **extra)


@pytest.mark.django_db
def test_it_records_who_gave_the_vouchers_when_and_where(
    client_for, alice, housed, vouchers, settings
):
    settings.VOUCHERS_PER_WEEK, settings.VOUCHER_UNIT_VALUE_CENTS = 4, 650
    vouchers(20)

    response = _give(client_for(alice), housed.resident, where="office", follow=True)

    row = VoucherDistribution.objects.get()
    assert (row.resident, row.week, row.status, row.given_where) == (
        housed.resident,
        THIS_MONDAY,
        "given",
        "office",
    )
    assert (row.recorded_by, row.quantity, row.unit_value_cents, row.value_cents) == (
        alice,
        4,
        650,
        2600,
    )
    assert row.cancelled_at is None
    assert "4 tickets remis à Caramel." in response.content.decode()
    line = VoucherLedgerLine.objects.get(kind=VoucherLedgerKind.DISTRIBUTION)
    assert (line.quantity, line.balance_after, line.distribution) == (-4, 16, row)
    assert voucher_balance() == 16


@pytest.mark.django_db
def test_it_answers_htmx_with_the_line_alone(client_for, nina, housed, vouchers):
    vouchers(10)
    response = _give(client_for(nina), housed.resident, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("<li ") and body.endswith("</li>")  # the line alone, no page around
    assert f'id="voucher-{housed.resident_id}"' in body
    assert "Remis" in body and "Décocher" in body


@pytest.mark.django_db
def test_it_catches_up_a_week_recorded_as_not_given(client_for, alice, paul, vouchers):
    stay = PlacementFactory(start=LAST_MONDAY - WEEK)
    vouchers(10)
    missed = voucher_record_missed(
        resident=stay.resident, week=LAST_MONDAY, reason="absent", by=paul
    )

    _give(client_for(alice), stay.resident, week=LAST_MONDAY)

    missed.refresh_from_db()
    assert (missed.cancel_kind, missed.cancelled_by) == ("caught_up", alice)
    given = VoucherDistribution.objects.given().get()
    assert (given.week, given.is_catch_up) == (LAST_MONDAY, True)
    assert VoucherDistribution.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("week", "message"),
    [
        (THIS_MONDAY + WEEK, "Cette semaine n’a pas encore commencé."),
        (THIS_MONDAY - 2 * WEEK, "est close"),
        (THIS_MONDAY + DAY, "Une semaine de tickets commence un lundi."),
    ],
)
def test_it_refuses_a_week_outside_the_open_ones(client_for, alice, vouchers, week, message):
    stay = PlacementFactory(start=TODAY - 60 * DAY)
    vouchers(10)
    response = _give(client_for(alice), stay.resident, week=week, follow=True)
    assert message in response.content.decode()
    assert not VoucherDistribution.objects.exists()
    assert voucher_balance() == 10


@pytest.mark.django_db
def test_it_refuses_someone_not_housed_that_week(client_for, alice, vouchers):
    outsider = ResidentFactory(nickname="Domino")
    vouchers(10)
    response = _give(client_for(alice), outsider, follow=True)
    assert "Domino n’est pas hébergé·e pendant la semaine du" in response.content.decode()
    assert not VoucherDistribution.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_give_twice_the_same_week(client_for, alice, nina, housed, vouchers):
    vouchers(20)
    _give(client_for(alice), housed.resident)
    response = _give(client_for(nina), housed.resident, follow=True)
    assert "ont déjà été remis par" in response.content.decode()
    assert VoucherDistribution.objects.count() == 1
    assert voucher_balance() == 15


@pytest.mark.django_db
def test_it_refuses_to_give_out_vouchers_the_safe_does_not_hold(
    client_for, alice, housed, vouchers
):
    vouchers(3)
    response = _give(client_for(alice), housed.resident, follow=True)
    assert (
        "Pas assez de tickets en stock : il en reste 3, il en faut 5." in response.content.decode()
    )
    assert not VoucherDistribution.objects.exists()
    assert voucher_balance() == 3


@pytest.mark.django_db
def test_it_refuses_an_unknown_place_of_handing_out(client_for, alice, housed, vouchers):
    vouchers(10)
    response = _give(client_for(alice), housed.resident, where="street", follow=True)
    assert "Indiquez où les tickets ont été remis." in response.content.decode()
    assert not VoucherDistribution.objects.exists()


@pytest.mark.django_db
def test_it_keeps_one_active_row_per_person_and_week_in_the_database(alice, housed):
    fields = {
        "resident": housed.resident,
        "week": THIS_MONDAY,
        "status": "not_given",
        "quantity": 5,
        "unit_value_cents": 700,
        "missed_reason": "absent",
        "recorded_by": alice,
    }
    VoucherDistribution.objects.create(**fields)
    with pytest.raises(IntegrityError):
        VoucherDistribution.objects.create(**fields)


@pytest.mark.django_db
def test_it_keeps_weeks_on_mondays_in_the_database(alice, housed):
    with pytest.raises(IntegrityError):
        VoucherDistribution.objects.create(
            resident=housed.resident,
            week=THIS_MONDAY + DAY,
            status="not_given",
            quantity=5,
            unit_value_cents=700,
            missed_reason="absent",
            recorded_by=alice,
        )


@pytest.mark.django_db
def test_it_forbids_the_manager_and_the_admin(client_for, marc, ada, housed, vouchers):
    vouchers(10)
    assert _give(client_for(marc), housed.resident).status_code == 403
    assert _give(client_for(ada), housed.resident).status_code == 403
    assert not VoucherDistribution.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_resident(client_for, alice):
    response = client_for(alice).post(
        reverse("harmreduction:voucher_give", args=[999999]), {"week": THIS_MONDAY.isoformat()}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_only_answers_post(client_for, alice, housed):
    assert client_for(alice).get(_url(housed.resident)).status_code == 405
