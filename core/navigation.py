"""The main menu and the home dashboard, filled by each app from its AppConfig.ready().

A menu entry is shown to a user exactly when that user may open its page: the rule is read from the
view itself (accounts.access), so the menu can never offer a page that would answer 403. The order
of the menu and of the home page's cards is written here, in one place (MENU and CARDS); an entry
or a card that is not listed there comes last, and a test fails until it is listed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.access import user_may_use
from core.kept import DataVersion, kept_html
from core.registry import Registry

# The menu, left to right: its groups (a label, or None for an entry standing alone) and the URL
# name of each entry. A group shows as a drop-down list, or as a plain link when the user may open
# only one of its pages; so the menu holds on one line at 1440 px whatever the roles.
MENU_GROUPS: list[tuple[str | None, list[str]]] = [
    (None, ["visits:today"]),
    (None, ["placements:board"]),
    (
        _("People"),
        [
            "residents:resident_list",
            "residents:waiting_list",
            "support:step_list",
            "support:referral_list",
        ],
    ),
    (_("Hotels and rounds"), ["placements:hotel_list", "visits:week"]),
    (_("Harm reduction"), ["harmreduction:voucher_week", "harmreduction:stock"]),
    (
        _("Management"),
        ["reports:report_list", "imports:import_start", "history_index", "accounts:account_list"],
    ),
]
MENU = [name for _group, names in MENU_GROUPS for name in names]
_GROUP_OF = {name: group for group, names in MENU_GROUPS for name in names}
# The home page's cards, first to last: the template of each card.
CARDS = [
    "visits/card_today.html",
    "harmreduction/card_samples.html",
    "placements/card_occupancy.html",
    "visits/card_follow_ups.html",
    "visits/card_not_seen.html",
    "residents/card_waiting_list.html",
    "harmreduction/card_vouchers.html",
    "support/card_steps.html",
    "support/card_appointments.html",
    "support/card_reassessments.html",
    "placements/card_places.html",
    "harmreduction/card_low_stock.html",
    "harmreduction/card_voucher_low_stock.html",
    "support/card_outcomes.html",
]


def _position_in(listing: list[str]) -> Callable[[str], int]:
    return lambda name: listing.index(name) if name in listing else len(listing)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"

    @property
    def name(self) -> str:
        return self.url_name


@dataclass(frozen=True)
class DashboardCard:
    """A card on the home page: `context(request)` returns the template context, or None to hide.

    `reads` names the models ("app_label.Model") whose rows the card counts or shows, all of them
    kept in the change history (core.audit): the home page's cards are cached until one of these
    tables changes (see `home_cards`). A card that does not say (None) is never cached. A column
    the history leaves out (`Resident.search_text`, `User.last_login`) changes no version: a card
    must not show one.
    """

    template: str
    context: Callable
    reads: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        return self.template


menu: Registry[NavItem] = Registry("menu entries", order=_position_in(MENU))
cards: Registry[DashboardCard] = Registry("home page cards", order=_position_in(CARDS))


def register_menu(*items: NavItem) -> None:
    for item in items:
        menu.register(item)


def register_card(*new_cards: DashboardCard) -> None:
    for card in new_cards:
        cards.register(card)


# Each set of roles sees the same menu: it is worked out once per process for each (see menu_for).
_menus: dict[tuple, tuple[dict, ...]] = {}


def _menu_key(user) -> tuple:
    """What a user's menu depends on: their roles, and the entries registered (and the URLconf)."""
    return (
        menu.version,
        settings.ROOT_URLCONF,
        user.is_authenticated and user.is_active,
        user.role_names if user.is_authenticated else frozenset(),
    )


def menu_for(user) -> list[dict]:
    """The entries `user` may open, in order.

    What a user may open depends on their roles only (accounts.access.user_may_use), so the
    entries (13 reverse() and resolve() calls) are worked out once for each set of roles, and
    again whenever an entry is registered or the URLconf changes.
    """
    key = _menu_key(user)
    if key not in _menus:
        entries = []
        for item in menu:
            url = reverse(item.url_name)
            if user_may_use(user, resolve(url).func):
                entries.append(
                    {
                        "label": item.label,
                        "url": url,
                        "icon": item.icon,
                        "group": _GROUP_OF.get(item.url_name),
                    }
                )
        _menus[key] = tuple(entries)
    return list(_menus[key])


# The menu's HTML, by what it depends on (see menu_html).
_menu_html: dict[tuple, str] = {}


def menu_html(user, path: str) -> SafeString:
    """The menu's HTML for `user` on the page at `path`.

    It depends on the user's menu (menu_for), the language, and which of its entries is the page
    shown (marked as the current one): rendered once for each of those, then reused. Every page
    draws the menu, and drawing it costs more than the whole of a small page's own work.
    """
    entries = menu_for(user)
    current = path if any(entry["url"] == path for entry in entries) else ""
    key = (_menu_key(user), get_language(), current)
    if key not in _menu_html:
        _menu_html[key] = render_to_string(
            "includes/main_menu.html", {"menu_groups": menu_groups(entries), "current": current}
        )
    return _menu_html[key]


def menu_groups(entries: list[dict]) -> list[dict]:
    """The menu's entries in their groups, in order: `{"label", "entries"}` each; an entry alone
    in its group (or in none) comes as a group without a label, shown as a plain link."""
    groups: list[dict] = []
    for entry in entries:
        group = entry["group"]
        if group is not None and groups and groups[-1]["key"] == group:
            groups[-1]["entries"].append(entry)
        else:
            groups.append({"key": group, "label": group, "entries": [entry]})
    for group in groups:
        if len(group["entries"]) == 1:
            group["label"] = None
    return groups


def cards_for(request) -> list[tuple[str, dict]]:
    shown = []
    for card in cards:
        context = card.context(request)
        if context is not None:
            shown.append((card.template, context))
    return shown


# How long the home page's cards stay in the cache at most. Their key changes with every change
# to a table they read (`_cards_data`), so this only bounds what a key cannot see: two
# transactions writing the same table that commit in the other order than their history rows
# were numbered, and a new version of the site's card templates.
CARDS_CACHE_SECONDS = 60
_cards_data = DataVersion(cards)


def home_cards(request) -> SafeString:
    """The home page's cards, rendered, for `request.user`.

    Kept in the cache under what they depend on: the user (the cards show their own visits,
    steps and appointments) and their roles (which cards, which alerts), the language, the day
    (every card counts from today) and the data they read (`_cards_data`). One user's cards
    therefore never reach another user, and any write to a table a card reads shows at once.
    A hit costs two queries (the data version, the user's roles) and no card is worked out.
    The medical team's cards are never kept: what the medical team reads (a medical
    appointment's service, for one) stays in the database, as its timeline does.
    """
    user = request.user

    # Rendered without the request: nothing of the request but the user's cards can reach the
    # cache (no CSRF token, no messages).
    def build():
        return render_to_string("core/home_cards.html", {"cards": cards_for(request)})

    version = None if user.is_medical else _cards_data.current()
    if version is None:
        return build()
    parts = (
        version,
        cards.version,
        user.pk,
        sorted(user.role_names),
        get_language(),
        timezone.localdate().isoformat(),
    )
    return kept_html("home-cards", parts, build, CARDS_CACHE_SECONDS)
