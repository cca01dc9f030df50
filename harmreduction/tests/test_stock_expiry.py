"""Dated material (naloxone): what remains of each delivered batch, and what expires soon."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.selectors import batches_in_stock, expiring
from harmreduction.services import Lot, stock_adjust, stock_receive, stock_transfer, supply_give
from harmreduction.tests.conftest import DAY, TODAY
from tests.factories import ItemFactory

URL = reverse("harmreduction:stock")


def _receive(location, item, quantity, batch, days_left, by):
    stock_receive(
        location=location,
        quantities={item: quantity},
        lots={item: Lot(batch, TODAY + days_left * DAY)},
        by=by,
    )


@pytest.mark.django_db
def test_it_estimates_what_remains_of_each_batch_first_expired_first_out(
    chloe, office, bag, nyxoid
):
    _receive(office, nyxoid, 10, "OLD", 30, chloe)
    _receive(office, nyxoid, 5, "NEW", 300, chloe)
    stock_transfer(source=office, destination=bag, quantities={nyxoid: 4}, by=chloe)
    supply_give(location=bag, quantities={nyxoid: 3}, by=chloe)

    # 12 left in all locations: the 5 of the latest batch, then 7 of the older one.
    batches = batches_in_stock()
    assert [(b.batch, b.received, b.remaining) for b in batches] == [("OLD", 10, 7), ("NEW", 5, 5)]
    assert [b.batch for b in expiring(batches, TODAY)] == ["OLD"]

    stock_adjust(location=office, item=nyxoid, quantity=-8, reason="Périmés", by=chloe)
    assert [(b.batch, b.remaining) for b in batches_in_stock()] == [("NEW", 4)]
    assert expiring(batches_in_stock(), TODAY) == []


@pytest.mark.django_db
def test_it_leaves_units_of_unknown_date_out(chloe, office, pipe, nyxoid):
    stock_receive(location=office, quantities={pipe: 20}, by=chloe)  # no date: not a batch
    _receive(office, nyxoid, 2, "NX", 10, chloe)
    stock_adjust(location=office, item=nyxoid, quantity=5, reason="Trouvés", by=chloe)
    assert [(b.item, b.remaining) for b in batches_in_stock()] == [(nyxoid, 2)]


@pytest.mark.django_db
def test_it_shows_what_expires_within_60_days_on_the_stock_page(
    client_for, alice, chloe, office, nyxoid
):
    _receive(office, nyxoid, 6, "NX-SOON", 20, chloe)
    _receive(office, nyxoid, 6, "NX-LATER", 200, chloe)
    response = client_for(alice).get(URL)
    assert [b.batch for b in response.context["expiring"]] == ["NX-SOON"]
    assert [b.batch for b in response.context["batches"]] == ["NX-SOON", "NX-LATER"]
    body = response.content.decode()
    assert "Expire dans les 60 jours" in body
    expiry = (TODAY + 20 * DAY).strftime("%d/%m/%Y")
    assert f"périme le {expiry}" in body
    assert "Lots datés en stock" in body


@pytest.mark.django_db
def test_it_shows_no_expiry_block_when_nothing_expires_soon(
    client_for, alice, chloe, office, nyxoid
):
    _receive(office, nyxoid, 6, "NX", 200, chloe)
    response = client_for(alice).get(URL)
    assert response.context["expiring"] == []
    assert "Expire dans les" not in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_batch_in_the_location_ledger(client_for, marc, chloe, office, nyxoid):
    _receive(office, nyxoid, 6, "NX77", 90, chloe)
    body = (
        client_for(marc)
        .get(reverse("harmreduction:location_detail", args=[office.pk]))
        .content.decode()
    )
    assert "lot NX77" in body
    assert (TODAY + 90 * DAY).strftime("%d/%m/%Y") in body


@pytest.mark.django_db
def test_the_stock_page_keeps_a_fixed_query_budget_whatever_the_number_of_batches(
    client_for, alice, chloe, office, bag
):
    client = client_for(alice)
    serial = iter(range(1000))

    def add(count: int) -> None:
        for _ in range(count):
            number = next(serial)
            item = ItemFactory(name=f"Daté {number}", category="naloxone", dated=True)
            _receive(office, item, 5, f"L{number}", 10 + number, chloe)
            stock_transfer(source=office, destination=bag, quantities={item: 1}, by=chloe)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(30)
    # session, user, groups; locations; items; levels; low levels; stock by item; dated receipts
    # by batch; their items; inactive locations: nothing per batch.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_names_the_batches_of_items_in_and_out_of_the_catalogue(
    client_for, alice, chloe, office, nyxoid
):
    retired = ItemFactory(name="Naloxone ancienne", unit="box")
    _receive(office, nyxoid, 2, "NX-IN", 20, chloe)
    _receive(office, retired, 3, "NX-OUT", 30, chloe)
    retired.active = False
    retired.save()

    response = client_for(alice).get(URL)

    assert [(b.item, b.batch) for b in response.context["batches"]] == [
        (nyxoid, "NX-IN"),
        (retired, "NX-OUT"),
    ]
    assert "Naloxone ancienne" in response.content.decode()
