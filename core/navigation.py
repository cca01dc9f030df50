"""The main menu and the home dashboard, filled by each app from its AppConfig.ready().

A menu entry is shown to a user exactly when that user may open its page: the rule is read from the
view itself (accounts.access), so the menu can never offer a page that would answer 403.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import resolve, reverse

from accounts.access import user_may_use


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    order: int = 100


@dataclass(frozen=True)
class DashboardCard:
    """A card on the home page: `context(request)` returns the template context, or None to hide."""

    template: str
    context: Callable
    order: int = 100


_menu: list[NavItem] = []
_cards: list[DashboardCard] = []


def register_menu(*items: NavItem) -> None:
    _menu.extend(items)
    _menu.sort(key=lambda item: item.order)


def register_card(*cards: DashboardCard) -> None:
    _cards.extend(cards)
    _cards.sort(key=lambda card: card.order)


def menu_for(user) -> list[dict]:
    entries = []
    for item in _menu:
        url = reverse(item.url_name)
        if user_may_use(user, resolve(url).func):
            entries.append({"label": item.label, "url": url, "icon": item.icon})
    return entries


def cards_for(request) -> list[tuple[str, dict]]:
    shown = []
    for card in _cards:
        context = card.context(request)
        if context is not None:
            shown.append((card.template, context))
    return shown
