"""The main menu is worked out once per set of roles, and again when what it comes from changes."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.roles import Role
from accounts.services import account_set_roles
from core import navigation
from core.navigation import NavItem, menu_for
from tests.factories import UserFactory

HOME = reverse("home")
REPORTS = reverse("reports:report_list")


def _menu_urls(client) -> list[str]:
    return [entry["url"] for entry in client.get(HOME).context["menu"]]


@pytest.fixture
def counted_reverse(monkeypatch):
    """Counts the URL lookups, starting from no menu worked out (other tests may have)."""
    monkeypatch.setattr(navigation, "_menus", {})
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(navigation, "reverse", counting)
    return calls


@pytest.mark.django_db
def test_it_works_out_the_menu_once_for_each_set_of_roles(alice, chloe, counted_reverse):
    first = menu_for(alice)
    assert len(counted_reverse) == len(navigation.menu)  # each entry looked up once
    other_social_worker = UserFactory(roles=[Role.SOCIAL_WORKER])
    assert menu_for(other_social_worker) == first
    assert len(counted_reverse) == len(navigation.menu)  # the same roles: nothing again
    assert menu_for(chloe) != first  # other roles, another menu
    assert len(counted_reverse) == 2 * len(navigation.menu)


@pytest.mark.django_db
def test_a_role_given_shows_its_pages_on_the_next_page(client_for, alice, ada):
    client = client_for(alice)
    assert REPORTS not in _menu_urls(client)
    account_set_roles(user=alice, roles={Role.SOCIAL_WORKER, Role.COORDINATOR}, by=ada)
    assert REPORTS in _menu_urls(client)
    account_set_roles(user=alice, roles={Role.SOCIAL_WORKER}, by=ada)
    assert REPORTS not in _menu_urls(client)


@pytest.mark.django_db
def test_an_entry_registered_shows_at_once_and_goes_with_it(client_for, alice):
    client = client_for(alice)
    account = reverse("my_account")
    assert account not in _menu_urls(client)
    with navigation.menu.temporarily(NavItem("My account", "my_account")):
        assert _menu_urls(client)[-1] == account
    assert account not in _menu_urls(client)


@pytest.mark.django_db
def test_a_deactivated_account_sees_no_menu(alice):
    assert menu_for(alice)
    alice.is_active = False
    del alice.role_names
    assert menu_for(alice) == []


def _menu_html(client, path: str = HOME, **headers) -> str:
    html = client.get(path, **headers).content.decode()
    start = html.index('<ul class="navbar-nav me-auto" data-testid="main-menu">')
    return html[start : html.index('<div class="d-flex flex-wrap align-items-center', start)]


@pytest.mark.django_db
def test_the_menu_is_drawn_once_per_roles_language_and_current_page(
    client_for, alice, chloe, monkeypatch
):
    monkeypatch.setattr(navigation, "_menu_html", {})
    drawn = []
    render = navigation.render_to_string

    def counted(name, *args, **kwargs):
        if name == "includes/main_menu.html":
            drawn.append(name)
        return render(name, *args, **kwargs)

    monkeypatch.setattr(navigation, "render_to_string", counted)
    client = client_for(alice)
    on_home = _menu_html(client)
    assert _menu_html(client) == on_home and len(drawn) == 1  # the same page: drawn once
    assert 'aria-current="page"' not in on_home  # home is not in the menu

    today = reverse("visits:today")
    on_today = _menu_html(client, today)
    assert f'class="nav-link active"\n             href="{today}"' in on_today
    assert on_today.count('aria-current="page"') == 1
    assert _menu_html(client, today + "?jour=2026-12-01") == on_today  # same page, other query
    assert _menu_html(client, reverse("my_account")) == on_home  # not in the menu: as home
    assert len(drawn) == 2

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    in_english = _menu_html(client)
    assert in_english != on_home and len(drawn) == 3  # another language, drawn in it

    coordinator_menu = _menu_html(client_for(chloe))
    assert reverse("reports:report_list") in coordinator_menu
    assert reverse("reports:report_list") not in on_home  # other roles: their own menu
