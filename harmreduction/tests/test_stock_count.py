"""Counting a location: what is on the shelf becomes the stock, the differences ledger lines."""

import uuid

import pytest
from django.urls import reverse

from harmreduction.models import InventoryCount, StockLevel, StockMovement


def _url(location) -> str:
    return reverse("harmreduction:stock_count", args=[location.pk])


def _data(counted: dict, note=""):
    data = {"form_token": str(uuid.uuid4()), "note": note}
    data.update({f"item_{item.pk}": number for item, number in counted.items()})
    return data


@pytest.mark.django_db
def test_it_records_the_count_and_the_differences(client_for, alice, bag, kit_base, pipe, stock):
    stock(bag, {kit_base: 10, pipe: 4})
    response = client_for(alice).post(
        _url(bag), _data({kit_base: 8, pipe: 4}, "Sac du lundi"), follow=True
    )

    count = InventoryCount.objects.get()
    assert (count.location, count.counted_by, count.note) == (bag, alice, "Sac du lundi")
    lines = {
        line.item: (line.expected, line.counted, line.difference) for line in count.lines.all()
    }
    assert lines == {kit_base: (10, 8, -2), pipe: (4, 4, 0)}
    difference = StockMovement.objects.get(kind="inventory")
    assert (difference.item, difference.quantity, difference.balance_after) == (kit_base, -2, 8)
    assert StockLevel.objects.get(location=bag, item=kit_base).quantity == 8
    assert "L’inventaire est enregistré" in response.content.decode()


@pytest.mark.django_db
def test_it_counts_only_the_items_filled_in(client_for, nina, bag, kit_base, pipe, stock):
    stock(bag, {kit_base: 10, pipe: 4})
    client_for(nina).post(_url(bag), _data({kit_base: 12}))
    assert [line.item for line in InventoryCount.objects.get().lines.all()] == [kit_base]
    assert StockLevel.objects.get(location=bag, item=pipe).quantity == 4
    assert StockLevel.objects.get(location=bag, item=kit_base).quantity == 12


@pytest.mark.django_db
def test_it_shows_what_the_ledger_expects(client_for, alice, bag, kit_base, stock):
    stock(bag, {kit_base: 7})
    response = client_for(alice).get(_url(bag))
    assert response.context["expected"][kit_base.pk] == 7
    assert "au registre :" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("counted", "message"),
    [({}, "Comptez au moins un article."), ({"x": -1}, "supérieure ou égale à 0")],
)
def test_it_explains_a_bad_count(client_for, alice, bag, kit_base, counted, message):
    data = _data({kit_base: -1} if counted else {})
    response = client_for(alice).post(_url(bag), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InventoryCount.objects.exists()


@pytest.mark.django_db
def test_it_lets_the_manager_read_but_not_count(client_for, marc, bag, kit_base):
    assert client_for(marc).post(_url(bag), _data({kit_base: 1})).status_code == 403
    assert not InventoryCount.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_or_retired_location(client_for, alice, bag):
    bag.active = False
    bag.save()
    assert client_for(alice).get(_url(bag)).status_code == 404
    assert (
        client_for(alice).get(reverse("harmreduction:stock_count", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice, bag):
    assert client_for(alice).delete(_url(bag)).status_code == 405
