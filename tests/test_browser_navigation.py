"""Each role logs in through the real form and finds, in the main menu, exactly its pages.

The expected menus are written by hand from the access policy (tests/test_access_rules.py): a new
menu entry must be added here, for the roles that should see it.
"""

import random

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, seed
from accounts.roles import Role
from tests.browser import PHONE, chromium_page, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RESIDENTS = "/residents/"
WAITING_LIST = "/admissions/"
MY_VISITS = "/visites/"
BOARD = "/hotels/tableau/"
HOTELS = "/hotels/"
VISIT_ROSTER = "/visites/semaine/"
STEPS = "/demarches/"
APPOINTMENTS = "/orientations/"
MEAL_VOUCHERS = "/tickets/"
HARM_REDUCTION = "/rdr/"
REPORTS = "/rapports/"
HISTORY = "/historique/"
ACCOUNTS = "/equipe/"
IMPORT = "/importer/"

# role -> the menu links it sees, in menu order
EXPECTED_MENU = {
    Role.SOCIAL_WORKER: [
        MY_VISITS,
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        HOTELS,
        VISIT_ROSTER,
        STEPS,
        APPOINTMENTS,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
    ],
    Role.NURSE: [
        MY_VISITS,
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        HOTELS,
        VISIT_ROSTER,
        STEPS,
        APPOINTMENTS,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
    ],
    Role.PSYCHIATRIST: [
        MY_VISITS,
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        HOTELS,
        VISIT_ROSTER,
        STEPS,
        APPOINTMENTS,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
    ],
    Role.COORDINATOR: [
        MY_VISITS,
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        HOTELS,
        VISIT_ROSTER,
        STEPS,
        APPOINTMENTS,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
        REPORTS,
        IMPORT,
    ],
    Role.MANAGER: [
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        HOTELS,
        VISIT_ROSTER,
        STEPS,
        APPOINTMENTS,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
        REPORTS,
        HISTORY,
        ACCOUNTS,
    ],
    Role.ADMIN: [IMPORT, HISTORY, ACCOUNTS],
}
DEMO_USER_BY_ROLE = {
    role: (username, f"{first} {last}") for username, first, last, role in DEMO_USERS
}
MENU_LINKS = "[data-testid=main-menu] a"
LOGOUT_BUTTON = "form[action='/deconnexion/'] button[type=submit]"


@pytest.fixture
def demo_users():
    # seed() needs the role groups, which a data migration creates: a transactional test's flush
    # removes them, and serialized_rollback (pytestmark) restores them before each test.
    seed(rng=random.Random(1), scale="demo")


@pytest.fixture
def page(tmp_path):
    with chromium_page(tmp_path / "profile") as page:
        yield page


@pytest.fixture
def phone_page(tmp_path):
    with chromium_page(tmp_path / "profile", viewport=PHONE) as page:
        yield page


def _menu_hrefs(page) -> list[str]:
    return [link.get_attribute("href") for link in page.locator(MENU_LINKS).all()]


@pytest.mark.parametrize("role", list(EXPECTED_MENU), ids=str)
def test_it_shows_each_role_its_menu_and_logs_out(page, live_server, demo_users, role):
    username, full_name = DEMO_USER_BY_ROLE[role]

    login(page, live_server.url, username, DEMO_PASSWORD)

    assert page.url == f"{live_server.url}/"
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_test_id("current-user")).to_contain_text(full_name)
    expect(page.locator(MENU_LINKS).first).to_be_visible()
    assert _menu_hrefs(page) == EXPECTED_MENU[role]
    for href in EXPECTED_MENU[role]:
        response = page.request.get(f"{live_server.url}{href}", max_redirects=0)
        assert response.status == 200, f"{role} is offered {href} but gets {response.status}"

    with page.expect_navigation():
        page.locator(LOGOUT_BUTTON).click()

    assert page.url == f"{live_server.url}/connexion/"
    expect(page.locator("main input[name=username]")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/connexion/?next=/", "the session outlived the logout"


def test_it_opens_the_menu_on_a_phone(phone_page, live_server, demo_users):
    page = phone_page
    username, _full_name = DEMO_USER_BY_ROLE[Role.SOCIAL_WORKER]
    login(page, live_server.url, username, DEMO_PASSWORD)
    hotels_link = page.locator(f"{MENU_LINKS}[href='{HOTELS}']")
    toggler = page.locator("button.navbar-toggler")

    expect(hotels_link).to_be_hidden()
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    toggler.click()

    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(hotels_link).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    with page.expect_navigation():
        hotels_link.click()
    assert page.url == f"{live_server.url}{HOTELS}"
    expect(page.locator("h1")).to_be_visible()
