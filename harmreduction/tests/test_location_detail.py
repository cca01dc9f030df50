import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harmreduction import services
from harmreduction.models import InventoryCount
from harmreduction.tests.conftest import DAY

TODAY_AT = timezone.now()


def _url(location) -> str:
    return reverse("harmreduction:location_detail", args=[location.pk])


@pytest.mark.django_db
def test_it_shows_the_levels_and_the_ledger(client_for, marc, chloe, office, bag, kit_base, stock):
    stock(office, {kit_base: 30})
    services.stock_transfer(source=office, destination=bag, quantities={kit_base: 8}, by=chloe)
    response = client_for(marc).get(_url(bag))
    rows = {item: level for _label, rows in response.context["groups"] for item, level in rows}
    assert rows[kit_base].quantity == 8
    movements = list(response.context["page_obj"])
    assert [(m.kind, m.quantity, m.balance_after, m.counterpart) for m in movements] == [
        ("transfer_in", 8, 8, office)
    ]
    body = response.content.decode()
    assert "Transfert entrant" in body
    assert reverse("harmreduction:thresholds", args=[bag.pk]) not in body


@pytest.mark.django_db
def test_it_offers_counting_to_the_care_team_and_thresholds_to_the_coordinator(
    client_for, alice, chloe, bag
):
    alice_page = client_for(alice).get(_url(bag)).content.decode()
    assert reverse("harmreduction:stock_count", args=[bag.pk]) in alice_page
    assert reverse("harmreduction:thresholds", args=[bag.pk]) not in alice_page
    assert reverse("harmreduction:thresholds", args=[bag.pk]) in (
        client_for(chloe).get(_url(bag)).content.decode()
    )


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice, chloe, office, kit_base, pipe, stock):
    client = client_for(alice)

    def add(count: int) -> None:
        for n in range(count):
            stock(office, {kit_base if n % 2 else pipe: 1})

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(office)).status_code == 200
        return len(queries)

    add(2)
    with_two = count_queries()
    add(48)
    # session, user, groups; location; levels; catalogue; count and page of movements with
    # item, author and other location; last counts: nothing per movement.
    assert count_queries() == with_two


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_location(client_for, alice):
    url = reverse("harmreduction:location_detail", args=[999999])
    assert client_for(alice).get(url).status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_admin_and_other_methods(client_for, ada, alice, bag):
    assert client_for(ada).get(_url(bag)).status_code == 403
    assert client_for(alice).post(_url(bag)).status_code == 405


@pytest.mark.django_db
def test_it_lists_the_latest_counts_newest_first(client_for, marc, chloe, office, kit_base):
    first = services.stock_count(location=office, counted={kit_base: 0}, by=chloe)
    second = services.stock_count(location=office, counted={kit_base: 0}, by=chloe)
    # Recorded in another order than they happened (a count entered later, dated earlier).
    InventoryCount.objects.filter(pk=second.pk).update(counted_at=TODAY_AT - 5 * DAY)
    InventoryCount.objects.filter(pk=first.pk).update(counted_at=TODAY_AT - 2 * DAY)
    third = services.stock_count(location=office, counted={kit_base: 0}, by=chloe)
    response = client_for(marc).get(_url(office))
    assert list(response.context["counts"]) == [third, first, second]
