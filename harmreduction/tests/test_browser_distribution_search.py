"""A social worker hands out material at the office to a person found by typing part of their
name: the search lists them, the one picked is recorded."""

import pytest
from playwright.sync_api import expect

from harmreduction.models import SupplyDistribution
from harmreduction.services import stock_receive
from harmreduction.tests.conftest import DAY, TODAY
from tests.browser import PHONE, chromium_page, login
from tests.factories import ItemFactory, LocationFactory, PlacementFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"


@pytest.fixture
def page(tmp_path):
    with chromium_page(tmp_path / "profile", viewport=PHONE) as page:
        yield page


def test_it_finds_the_person_by_part_of_their_name_and_records_them(page, live_server):
    worker = UserFactory(username="lea", roles=["social_worker"])
    office = LocationFactory(name="Bureau", kind="office")
    kit = ItemFactory(name="Kit base", category="inhalation", unit="kit")
    stock_receive(location=office, quantities={kit: 5}, by=worker)
    dede = PlacementFactory(resident__nickname="Dédé", start=TODAY - 40 * DAY).resident
    PlacementFactory(resident__nickname="Zaza", start=TODAY - 40 * DAY)
    login(page, live_server.url, "lea", PASSWORD)

    page.goto(f"{live_server.url}/rdr/distributions/nouvelle/")
    search = page.get_by_test_id("resident-search")
    search.get_by_role("searchbox").fill("dede")
    choice = search.get_by_label("Dédé")
    expect(choice).to_be_visible()
    expect(search).not_to_contain_text("Zaza")
    choice.check()
    page.get_by_label("Kit base", exact=True).fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()

    handout = SupplyDistribution.objects.get()
    assert handout.resident == dede
    assert handout.given_by == worker
