"""A coordinator records a request for a new person, scores it, finds it ranked, and admits it.

`tests.browser.chromium_page` lifts Django's async-unsafe check while the browser runs, so the
factories and queries below run inside the `page` fixture.
"""

import pytest
from playwright.sync_api import expect

from residents.models import AdmissionRequest, AdmissionStatus
from tests.browser import chromium_page, login
from tests.factories import AdmissionRequestFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"


@pytest.fixture
def page(tmp_path):
    with chromium_page(tmp_path / "profile") as page:
        yield page


def test_it_ranks_a_new_request_and_admits_it(page, live_server, chloe):
    AdmissionRequestFactory(
        resident__nickname="Papillon", psychic_situation=2, isolation=2, vulnerability=2
    )
    login(page, live_server.url, "chloe", PASSWORD)

    page.goto(f"{live_server.url}/admissions/nouvelle/")
    form = page.locator("main form")
    form.locator("input[name=nickname]").fill("Grizzly")
    form.locator("input[name=birth_year]").fill("1975")
    form.locator("select[name=referring_structure]").select_option("outreach")
    form.locator("input[name=referrer_name]").fill("Équipe de maraude")
    form.locator("input[name=psychic_situation][value='4']").check()
    form.locator("input[name=isolation][value='3']").check()
    form.locator("input[name=vulnerability][value='3']").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    expect(page.locator("h1")).to_have_text("Demande pour Grizzly")
    expect(page.get_by_test_id("status")).to_have_text("En attente")
    score = page.get_by_test_id("score")
    expect(score.locator("h2")).to_contain_text("24/28")  # 3×4 + 2×3 + 2×3
    expect(score.locator("tbody tr").first).to_contain_text("Situation psychique")

    page.get_by_test_id("main-menu").get_by_role("button", name="Personnes").click()  # its group
    with page.expect_navigation():
        page.get_by_test_id("main-menu").get_by_role("link", name="Liste d’attente").click()
    rows = page.get_by_test_id("waiting-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Grizzly")
    expect(rows.nth(0).locator("td").first).to_have_text("1")
    expect(rows.nth(1)).to_contain_text("Papillon")

    with page.expect_navigation():
        rows.nth(0).get_by_role("link", name="Grizzly").click()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("decision").get_by_role("button", name="Admettre").click()

    expect(page.get_by_test_id("status")).to_have_text("Admis·e")
    expect(page.locator(".alert-success")).to_contain_text("Grizzly » est admis·e")
    request = AdmissionRequest.objects.get(resident__nickname="Grizzly")
    assert (request.status, request.decided_by) == (AdmissionStatus.ADMITTED, chloe)

    page.goto(f"{live_server.url}/admissions/")
    expect(page.get_by_test_id("admitted-without-place")).to_contain_text("Grizzly")
    expect(page.get_by_test_id("waiting-row")).to_have_count(1)
