"""The catalogue: seeded with the brief's items, edited by the coordinator."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmreduction.models import Category, Item
from tests.factories import ItemFactory

LIST = reverse("harmreduction:item_list")
CREATE = reverse("harmreduction:item_create")


@pytest.mark.django_db
def test_it_is_seeded_with_the_items_of_the_brief():
    names = set(Item.objects.values_list("name", flat=True))
    for name in ["Kit base", "Embout", "Stéribox", "Roule ta paille", "Collecteur DASRI"]:
        assert name in names
    categories = set(Item.objects.values_list("category", flat=True))
    assert categories == set(Category.values)
    assert Item.objects.get(name="Nyxoid (nasal)").category == "naloxone"
    assert Item.objects.get(name="Roule ta paille").unit == "booklet"


@pytest.mark.django_db
def test_it_lists_the_items_by_category_in_order(client_for, marc):
    response = client_for(marc).get(LIST)
    labels = [str(label) for label, _items in response.context["groups"]]
    assert labels[:3] == ["Injection", "Inhalation", "Sniff"]
    assert CREATE not in response.content.decode()  # the manager does not edit the catalogue


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, alice):
    client = client_for(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    with_the_seeded_items = count_queries()
    for n in range(48):
        ItemFactory(name=f"Objet {n}", category=Category.values[n % 8], active=n % 3 > 0)
    # session, user, groups; the items: nothing per item.
    assert count_queries() == with_the_seeded_items


@pytest.mark.django_db
def test_it_lets_the_coordinator_add_an_item(client_for, chloe):
    response = client_for(chloe).post(
        CREATE,
        {
            "name": "Crème cicatrisante",
            "category": "hygiene",
            "unit": "piece",
            "position": 20,
            "active": "on",
        },
        follow=True,
    )
    item = Item.objects.get(name="Crème cicatrisante")
    assert (item.category, item.unit) == ("hygiene", "piece")
    assert "L’article « Crème cicatrisante » est enregistré." in response.content.decode()


@pytest.mark.django_db
def test_it_lets_the_coordinator_retire_an_item(client_for, chloe, kit_base):
    url = reverse("harmreduction:item_update", args=[kit_base.pk])
    client_for(chloe).post(
        url, {"name": "Kit base", "category": "inhalation", "unit": "kit", "position": 10}
    )
    kit_base.refresh_from_db()
    assert kit_base.active is False


@pytest.mark.django_db
def test_it_explains_a_bad_item(client_for, chloe):
    before = Item.objects.count()
    response = client_for(chloe).post(
        CREATE, {"name": "", "category": "party", "unit": "piece", "position": 1}
    )
    body = response.content.decode()
    assert "Ce champ est obligatoire." in body
    assert Item.objects.count() == before


@pytest.mark.django_db
def test_it_keeps_the_catalogue_to_the_coordinator(client_for, alice, marc, ada, kit_base):
    assert client_for(alice).get(CREATE).status_code == 403
    assert (
        client_for(marc).get(reverse("harmreduction:item_update", args=[kit_base.pk])).status_code
        == 403
    )
    assert client_for(ada).get(LIST).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_item(client_for, chloe):
    assert (
        client_for(chloe).get(reverse("harmreduction:item_update", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, chloe):
    assert client_for(chloe).post(LIST).status_code == 405
    assert client_for(chloe).delete(CREATE).status_code == 405


@pytest.mark.django_db
def test_it_reads_the_catalogue_again_on_every_call_its_statement_being_kept(kit_base):
    """`selectors.catalogue` keeps its statement for the process, never the items."""
    from harmreduction.selectors.supplies import catalogue

    before = catalogue()
    assert kit_base in before and all(item.active for item in before)
    with CaptureQueriesContext(connection) as queries:
        again = catalogue()
    assert [item.pk for item in again] == [
        item.pk for item in Item.objects.active().in_catalogue_order()
    ]
    assert len(queries) == 1
    added = ItemFactory(name="Aaa nouvel article", category=Category.INHALATION)
    Item.objects.filter(pk=kit_base.pk).update(active=False, name="Kit base retiré")

    after = catalogue()
    assert added in after and kit_base not in after
    everything = {item.pk: item for item in catalogue(active_only=False)}
    assert everything[kit_base.pk].name == "Kit base retiré"
    assert [item.name for item in after] == [
        item.name for item in Item.objects.active().in_catalogue_order()
    ]
