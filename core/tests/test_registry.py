"""Every extension point behaves the same (core.registry), and the menu's and the home page's
order is written in one place (core.navigation)."""

import pytest

from core import navigation
from core.registry import Registry
from privacy import persondata
from residents import actions, timeline
from visits import extensions


def first_source(resident, user):
    return []


def second_source(resident, user):
    return []


def test_a_name_registered_again_keeps_its_place():
    registry = Registry("sources")
    registry.register(first_source)
    registry.register(second_source)
    registry.register(first_source)
    assert list(registry) == [first_source, second_source]


def test_it_finds_a_contribution_by_its_name():
    registry = Registry("sources")
    registry.register(first_source)
    assert registry.get(f"{__name__}.first_source") is first_source
    assert registry.get(f"{__name__}.second_source") is None


def test_temporarily_puts_back_what_it_replaced():
    registry = Registry("sources")
    registry.register(first_source)
    with registry.temporarily(second_source):
        assert list(registry) == [first_source, second_source]
    assert list(registry) == [first_source]


def test_it_orders_by_the_given_list_and_puts_the_unlisted_last():
    registry = Registry("menu", order=lambda name: ["b", "a"].index(name) if name in "ab" else 9)
    items = [
        navigation.NavItem("Z", "z"),
        navigation.NavItem("A", "a"),
        navigation.NavItem("B", "b"),
    ]
    for item in items:
        registry.register(item)
    assert registry.names() == ["b", "a", "z"]


@pytest.mark.parametrize(
    ("registry", "listing"),
    [(navigation.menu, navigation.MENU), (navigation.cards, navigation.CARDS)],
    ids=["menu", "cards"],
)
def test_every_menu_entry_and_card_has_its_place_in_the_one_list(registry, listing):
    assert registry.names() == listing


def test_the_apps_contribute_through_registries():
    assert len(timeline.sources) >= 10
    assert any(provider.on_archived for provider in actions.providers)
    # The right of access's sections come with each app's person-data declaration.
    assert {"identity", "stays", "visits", "vouchers", "notes", "access_log"} <= {
        section.key for section in persondata.export_sections()
    }
    assert extensions.registry.names() == ["rdr"]
