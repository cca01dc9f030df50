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
        STEPS,
        APPOINTMENTS,
        HOTELS,
        VISIT_ROSTER,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
    ],
    Role.NURSE: [
        MY_VISITS,
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        STEPS,
        APPOINTMENTS,
        HOTELS,
        VISIT_ROSTER,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
    ],
    Role.PSYCHIATRIST: [
        MY_VISITS,
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        STEPS,
        APPOINTMENTS,
        HOTELS,
        VISIT_ROSTER,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
    ],
    Role.COORDINATOR: [
        MY_VISITS,
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        STEPS,
        APPOINTMENTS,
        HOTELS,
        VISIT_ROSTER,
        MEAL_VOUCHERS,
        HARM_REDUCTION,
        REPORTS,
        IMPORT,
    ],
    Role.MANAGER: [
        BOARD,
        RESIDENTS,
        WAITING_LIST,
        STEPS,
        APPOINTMENTS,
        HOTELS,
        VISIT_ROSTER,
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
# What the menu bar shows before any group is opened: plain links and the groups' buttons.
MENU_BAR_ITEMS = "[data-testid=main-menu] > li > .nav-link"
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
    expect(page.locator(MENU_BAR_ITEMS).first).to_be_visible()
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
    expect(hotels_link).to_be_hidden()  # in its group, until the group is opened
    page.get_by_role("button", name="Hôtels et tournées").click()
    expect(hotels_link).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    with page.expect_navigation():
        hotels_link.click()
    assert page.url == f"{live_server.url}{HOTELS}"
    expect(page.locator("h1")).to_be_visible()


WIDE_DESKTOP = {"width": 1440, "height": 900}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER], ids=str)
def test_it_holds_the_menu_on_one_line_at_1440_pixels(tmp_path, live_server, demo_users, role):
    username, _full_name = DEMO_USER_BY_ROLE[role]
    with chromium_page(tmp_path / "profile", viewport=WIDE_DESKTOP) as page:
        login(page, live_server.url, username, DEMO_PASSWORD)
        boxes = [item.bounding_box() for item in page.locator(MENU_BAR_ITEMS).all()]
        assert len({round(box["y"]) for box in boxes}) == 1, "the menu wraps onto several lines"
        tallest = max(box["height"] for box in boxes)
        assert tallest < 45, f"a menu label breaks over several lines ({tallest:.0f} px high)"
        bar = page.locator("header nav").bounding_box()
        assert bar["height"] < 70, f"the menu bar is {bar['height']:.0f} px high"

        reports_link = page.locator(f"{MENU_LINKS}[href='{REPORTS}']")
        expect(reports_link).to_be_hidden()
        page.get_by_role("button", name="Pilotage").click()
        expect(reports_link).to_be_visible()
