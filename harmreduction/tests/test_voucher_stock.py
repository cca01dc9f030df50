"""The voucher ledger: receipts, handing out, losses and returns, month by month."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.models import VoucherLedgerLine
from harmreduction.selectors import voucher_reconciliation
from harmreduction.services import voucher_cancel, voucher_give, voucher_receive, voucher_remove
from harmreduction.tests.conftest import DAY, THIS_MONDAY, TODAY, voucher_balance
from tests.factories import PlacementFactory

URL = reverse("harmreduction:voucher_stock")


@pytest.mark.django_db
def test_it_reconciles_received_distributed_and_balance_by_month(chloe, alice, housed):
    year = TODAY.year - 1
    voucher_receive(quantity=100, on=datetime.date(year - 1, 12, 20), by=chloe)
    voucher_receive(quantity=200, on=datetime.date(year, 3, 2), by=chloe)
    voucher_remove(
        kind="lost", quantity=5, on=datetime.date(year, 3, 9), note="Carnet perdu", by=chloe
    )
    voucher_remove(
        kind="returned", quantity=40, on=datetime.date(year, 11, 30), note="Fin", by=chloe
    )
    VoucherLedgerLine.objects.create(
        kind="distribution",
        quantity=-15,
        balance_after=250,
        on=datetime.date(year, 3, 10),
        by=alice,
        distribution=voucher_give(
            resident=housed.resident, week=THIS_MONDAY, by=alice, where="visit"
        ),
    )

    months = voucher_reconciliation(year)

    march = months[2]
    assert (march.opening, march.received, march.distributed, march.lost, march.closing) == (
        100,
        200,
        15,
        5,
        280,
    )
    assert months[0].opening == 100 and months[0].closing == 100
    assert months[10].returned == 40
    assert months[11].closing == 240


@pytest.mark.django_db
def test_it_counts_a_correction_as_vouchers_back(chloe, alice, housed):
    voucher_receive(quantity=10, on=TODAY, by=chloe)
    row = voucher_give(resident=housed.resident, week=THIS_MONDAY, by=alice, where="visit")
    voucher_cancel(distribution=row, by=alice)
    month = voucher_reconciliation(TODAY.year)[TODAY.month - 1]
    assert (month.received, month.distributed, month.closing) == (10, 0, 10)


@pytest.mark.django_db
def test_it_shows_the_balance_and_the_movements(client_for, marc, chloe):
    voucher_receive(quantity=120, on=TODAY, by=chloe, series="100001–100120")
    response = client_for(marc).get(URL)
    assert response.context["balance"] == 120
    body = response.content.decode()
    assert "100001–100120" in body and "Reçus du financeur" in body
    assert reverse("harmreduction:voucher_receipt") not in body


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, chloe):
    client = client_for(chloe)

    def add(count: int) -> None:
        for _ in range(count):
            voucher_receive(quantity=10, on=TODAY, by=chloe)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(48)
    # session, user, groups; balance (twice), the opening balance and the year by month; count
    # and page of movements with their authors and residents: nothing per line.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_answers_404_for_an_absurd_year(client_for, alice):
    assert client_for(alice).get(URL, {"annee": 1890}).status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_admin_and_other_methods(client_for, ada, alice):
    assert client_for(ada).get(URL).status_code == 403
    assert client_for(alice).post(URL).status_code == 405


# --- Receipts and removals ---------------------------------------------------------------------

RECEIPT = reverse("harmreduction:voucher_receipt")
REMOVAL = reverse("harmreduction:voucher_removal")


@pytest.mark.django_db
def test_it_records_booklets_received(client_for, chloe):
    response = client_for(chloe).post(
        RECEIPT,
        {"quantity": 250, "on": TODAY.isoformat(), "series": "A1–A50", "note": "Livraison CCAS"},
        follow=True,
    )
    line = VoucherLedgerLine.objects.get()
    assert (line.kind, line.quantity, line.balance_after, line.series, line.by) == (
        "receipt",
        250,
        250,
        "A1–A50",
        chloe,
    )
    assert "Les tickets reçus sont enregistrés." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", 0, "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ("on", "2999-01-01", "Cette date ne peut pas être dans le futur."),
    ],
)
def test_it_explains_a_bad_receipt(client_for, chloe, field, value, message):
    data = {"quantity": 10, "on": TODAY.isoformat(), field: value}
    response = client_for(chloe).post(RECEIPT, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VoucherLedgerLine.objects.exists()


@pytest.mark.django_db
def test_it_takes_lost_vouchers_out_of_stock(client_for, chloe):
    voucher_receive(quantity=30, on=TODAY, by=chloe)
    client_for(chloe).post(
        REMOVAL, {"kind": "lost", "quantity": 5, "on": TODAY.isoformat(), "note": "Sac volé"}
    )
    line = VoucherLedgerLine.objects.get(kind="lost")
    assert (line.quantity, line.balance_after, line.note) == (-5, 25, "Sac volé")


@pytest.mark.django_db
def test_it_cannot_remove_more_than_the_stock(client_for, chloe):
    voucher_receive(quantity=3, on=TODAY, by=chloe)
    response = client_for(chloe).post(
        REMOVAL, {"kind": "returned", "quantity": 5, "on": TODAY.isoformat(), "note": "Retour"}
    )
    assert response.status_code == 400
    assert (
        "Pas assez de tickets en stock : il en reste 3, il en faut 5." in response.content.decode()
    )
    assert voucher_balance() == 3


@pytest.mark.django_db
def test_it_needs_an_explanation_for_a_removal(client_for, chloe):
    voucher_receive(quantity=30, on=TODAY, by=chloe)
    response = client_for(chloe).post(
        REMOVAL, {"kind": "lost", "quantity": 5, "on": TODAY.isoformat()}
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert voucher_balance() == 30


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RECEIPT, REMOVAL])
def test_it_keeps_the_stock_to_the_coordinator(client_for, alice, marc, url):
    data = {"kind": "lost", "quantity": 5, "on": TODAY.isoformat(), "note": "x"}
    assert client_for(alice).post(url, data).status_code == 403
    assert client_for(marc).get(url).status_code == 403
    assert not VoucherLedgerLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RECEIPT, REMOVAL])
def test_it_answers_405_to_other_methods(client_for, chloe, url):
    assert client_for(chloe).delete(url).status_code == 405


# --- How many weeks the stock covers, and its low-stock warning -------------------------------


@pytest.mark.django_db
def test_it_says_how_many_weeks_the_stock_covers_at_the_current_rate(
    client_for, marc, housed, vouchers
):
    PlacementFactory(start=TODAY - 10 * DAY)  # two people housed: 10 vouchers a week
    vouchers(37)
    response = client_for(marc).get(URL)
    assert response.context["cover"].weeks == 3
    body = response.content.decode()
    assert "Le stock couvre environ 3 semaines de remises." in body
    assert (
        "Au rythme actuel : 10 tickets par semaine (2 personnes hébergées cette semaine × 5 "
        "tickets)."
    ) in body
    assert 'data-testid="voucher-low"' not in body


@pytest.mark.django_db
def test_it_warns_when_the_stock_runs_low(client_for, chloe, housed, vouchers):
    vouchers(7)
    body = client_for(chloe).get(URL).content.decode()
    assert "Le stock couvre environ 1 semaine de remises." in body
    assert (
        "Stock bas : moins de 3 semaines de remises (15 tickets). Commandez des carnets au "
        "financeur."
    ) in body


@pytest.mark.django_db
def test_it_says_when_the_stock_does_not_cover_a_week_or_is_not_used(client_for, chloe, vouchers):
    vouchers(3)
    body = client_for(chloe).get(URL).content.decode()
    assert "Personne n’est hébergé cette semaine : le stock n’est pas utilisé." in body
    PlacementFactory(start=TODAY - 10 * DAY)
    body = client_for(chloe).get(URL).content.decode()
    assert "Le stock ne couvre pas une semaine de remises." in body
    assert "Stock bas" in body
