"""The stock page: every item's stock in each location, and what is below its threshold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.models import StockLevel
from tests.factories import ItemFactory, LocationFactory

URL = reverse("harmreduction:stock")


@pytest.mark.django_db
def test_it_shows_each_location_and_the_total(client_for, alice, office, bag, kit_base, stock):
    stock(office, {kit_base: 40})
    stock(bag, {kit_base: 6})
    response = client_for(alice).get(URL)
    assert response.context["locations"] == [office, bag]
    rows = {row.item: row for _label, rows in response.context["groups"] for row in rows}
    assert [cell.quantity for cell in rows[kit_base].cells] == [40, 6]
    assert rows[kit_base].total == 46
    assert "Remettre du matériel" in response.content.decode()
    assert reverse("harmreduction:stock_receipt") not in response.content.decode()


@pytest.mark.django_db
def test_it_flags_the_items_below_their_threshold(client_for, chloe, bag, kit_base, stock):
    stock(bag, {kit_base: 2})
    StockLevel.objects.filter(location=bag, item=kit_base).update(threshold=5)
    response = client_for(chloe).get(URL)
    assert [level.item for level in response.context["low"]] == [kit_base]
    body = response.content.decode()
    assert "1 article sous son seuil :" in body
    assert reverse("harmreduction:stock_receipt") in body
    table = body[body.index('data-testid="stock-table"') :]
    low_cell = table[table.index('<td class="text-end text-danger-emphasis fw-semibold">2 ') :]
    assert low_cell.index("sous le seuil</span></td>") < low_cell.index("<td", 1)


@pytest.mark.django_db
def test_it_shows_zero_where_a_location_holds_none(client_for, alice, office, bag, kit_base, stock):
    stock(bag, {kit_base: 6})
    body = client_for(alice).get(URL).content.decode()
    row = body[body.index(">Kit base <") :]
    row = row[: row.index("</tr>")]
    assert '<td class="text-end">0</td><td class="text-end">6</td>' in row


@pytest.mark.django_db
def test_it_leaves_inactive_items_and_locations_out_of_the_table(client_for, marc, bag, stock):
    old = ItemFactory(name="Ancien kit", active=False)
    closed = LocationFactory(name="Ancien sac", active=False)
    response = client_for(marc).get(URL)
    assert closed not in response.context["locations"]
    items = [row.item for _label, rows in response.context["groups"] for row in rows]
    assert old not in items


@pytest.mark.django_db
def test_it_orders_the_locations_in_use_by_kind_and_name_then_the_others_by_name(client_for, marc):
    zeta = LocationFactory(name="Zeta", kind="office")
    alpha_bag = LocationFactory(name="Alpha", kind="visit_bag")
    beta_office = LocationFactory(name="Beta", kind="office")
    old_bag = LocationFactory(name="Ancien sac", kind="visit_bag", active=False)
    old_office = LocationFactory(name="Bureau fermé", kind="office", active=False)

    response = client_for(marc).get(URL)

    assert response.context["locations"] == [beta_office, zeta, alpha_bag]
    assert response.context["inactive_locations"] == [old_bag, old_office]


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget_whatever_the_number_of_items(
    client_for, alice, office, bag, stock
):
    client = client_for(alice)
    serial = iter(range(1000))

    def add(count: int) -> None:
        for _ in range(count):
            item = ItemFactory(name=f"Objet {next(serial)}")
            stock(office, {item: 10})
            stock(bag, {item: 2})
            StockLevel.objects.filter(item=item).update(threshold=5)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(48)
    # session, user, groups; locations; items; levels; low levels; inactive locations.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_forbids_the_admin_and_other_methods(client_for, ada, alice):
    assert client_for(ada).get(URL).status_code == 403
    assert client_for(alice).post(URL).status_code == 405
