"""Unticking a line: an explicit correction that keeps the row, never a deletion."""

import pytest
from django.urls import reverse

from harmreduction.models import VoucherDistribution, VoucherLedgerKind, VoucherLedgerLine
from harmreduction.services import voucher_give, voucher_record_missed
from harmreduction.tests.conftest import THIS_MONDAY, WEEK, voucher_balance


def _url(row) -> str:
    return reverse("harmreduction:voucher_cancel", args=[row.pk])


@pytest.fixture
def given(housed, alice, vouchers):
    vouchers(10)
    return voucher_give(resident=housed.resident, week=THIS_MONDAY, by=alice, where="visit")


@pytest.mark.django_db
def test_it_marks_the_line_corrected_and_puts_the_vouchers_back(client_for, nina, given):
    response = client_for(nina).post(_url(given), follow=True)

    given.refresh_from_db()
    assert (given.cancel_kind, given.cancelled_by) == ("correction", nina)
    assert given.cancelled_at is not None
    assert "La ligne de Caramel est corrigée." in response.content.decode()
    back = VoucherLedgerLine.objects.get(kind=VoucherLedgerKind.CORRECTION)
    assert (back.quantity, back.distribution) == (5, given)
    assert voucher_balance() == 10
    assert "corrigé par" in response.content.decode()


@pytest.mark.django_db
def test_it_lets_the_line_be_ticked_again_as_a_new_row(client_for, alice, given):
    client = client_for(alice)
    client.post(_url(given))
    client.post(
        reverse("harmreduction:voucher_give", args=[given.resident_id]),
        {"week": THIS_MONDAY.isoformat(), "where": "office"},
    )
    rows = VoucherDistribution.objects.order_by("pk")
    assert [(row.status, row.cancel_kind) for row in rows] == [
        ("given", "correction"),
        ("given", ""),
    ]
    assert voucher_balance() == 5


@pytest.mark.django_db
def test_it_undoes_a_week_recorded_as_not_given_without_touching_the_stock(
    client_for, alice, housed, vouchers
):
    vouchers(10)
    missed = voucher_record_missed(
        resident=housed.resident, week=THIS_MONDAY, reason="absent", by=alice
    )
    client_for(alice).post(_url(missed))
    missed.refresh_from_db()
    assert missed.cancel_kind == "correction"
    assert not VoucherLedgerLine.objects.exclude(kind=VoucherLedgerKind.RECEIPT).exists()


@pytest.mark.django_db
def test_it_refuses_to_correct_twice(client_for, alice, given):
    client = client_for(alice)
    client.post(_url(given))
    response = client.post(_url(given), follow=True)
    assert "Cette ligne a déjà été corrigée." in response.content.decode()
    assert VoucherLedgerLine.objects.filter(kind=VoucherLedgerKind.CORRECTION).count() == 1


@pytest.mark.django_db
def test_it_refuses_to_correct_a_closed_week(client_for, alice, given):
    VoucherDistribution.objects.filter(pk=given.pk).update(week=THIS_MONDAY - 3 * WEEK)
    response = client_for(alice).post(_url(given), follow=True)
    assert "est close" in response.content.decode()
    given.refresh_from_db()
    assert given.cancelled_at is None


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc, given):
    assert client_for(marc).post(_url(given)).status_code == 403
    given.refresh_from_db()
    assert given.cancelled_at is None


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_line(client_for, alice):
    url = reverse("harmreduction:voucher_cancel", args=[999999])
    assert client_for(alice).post(url).status_code == 404


@pytest.mark.django_db
def test_it_only_answers_post(client_for, alice, given):
    assert client_for(alice).get(_url(given)).status_code == 405
