"""On a phone (360 × 800): a social worker opens today's visits, logs one as seen, sees it done."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser import PHONE, chromium_page, login
from tests.factories import HotelFactory, UserFactory, VisitFactory
from visits.models import Outcome, Visit, VisitStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct horse battery"
MIN_TAP_TARGET = 44  # px: WCAG 2.5.5 and the platforms' guidelines


@pytest.fixture
def phone_page(tmp_path):
    with chromium_page(tmp_path / "profile", viewport=PHONE) as page:
        yield page


def test_a_social_worker_logs_a_visit_as_seen_in_two_taps(phone_page, live_server):
    page = phone_page
    lea = UserFactory(username="lea", roles=[Role.SOCIAL_WORKER])
    hotel = HotelFactory(name="Hôtel des Lilas")
    visit = VisitFactory(
        worker=lea, placement__place__hotel=hotel, placement__resident__nickname="Pépito"
    )
    VisitFactory(worker=lea, placement__place__hotel=hotel, placement__resident__nickname="Mimi")
    login(page, live_server.url, "lea", PASSWORD)
    page.goto(f"{live_server.url}/visites/")
    listed = page.get_by_test_id("visit").filter(has_text="Pépito")
    expect(listed).to_have_attribute("data-status", "planned")
    assert listed.bounding_box()["height"] >= MIN_TAP_TARGET
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_navigation():
        listed.click()  # tap 1: the visit
    seen = page.get_by_test_id("outcome-seen")
    expect(seen).to_be_in_viewport()  # no scrolling to find it
    assert seen.bounding_box()["height"] >= MIN_TAP_TARGET
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        seen.click()  # tap 2: "Vu·e" saves and goes back to the list

    assert page.url == f"{live_server.url}/visites/"
    expect(page.locator(".alert-success")).to_contain_text("Visite à Pépito enregistrée : vu·e.")
    expect(page.get_by_test_id("visit").filter(has_text="Pépito")).to_have_attribute(
        "data-status", "done"
    )
    expect(page.get_by_test_id("visit").filter(has_text="Mimi")).to_have_attribute(
        "data-status", "planned"
    )
    visit = Visit.objects.get(pk=visit.pk)
    assert (visit.status, visit.outcome, visit.logged_by) == (VisitStatus.DONE, Outcome.SEEN, lea)


def test_the_details_open_without_javascript_and_are_saved_with_the_outcome(
    phone_page, live_server
):
    page = phone_page
    lea = UserFactory(username="lea", roles=[Role.SOCIAL_WORKER])
    visit = VisitFactory(worker=lea, placement__resident__nickname="Caramel")
    login(page, live_server.url, "lea", PASSWORD)
    page.goto(f"{live_server.url}/visites/{visit.pk}/")

    page.locator("[data-testid=visit-details] > summary").click()
    page.get_by_label("besoins et demandes").fill("Vêtements chauds")
    page.get_by_label("Un suivi est-il nécessaire ?").select_option("social")
    with page.expect_navigation():
        page.get_by_test_id("outcome-absent").click()

    visit = Visit.objects.get(pk=visit.pk)
    assert (visit.outcome, visit.needs, visit.follow_up_reason) == (
        Outcome.ABSENT,
        "Vêtements chauds",
        "social",
    )


def test_the_outcome_buttons_take_at_most_15_percent_of_a_phone_screen(tmp_path, live_server):
    screen = {"width": 390, "height": 844}
    lea = UserFactory(username="lea", roles=[Role.SOCIAL_WORKER])
    visit = VisitFactory(worker=lea, placement__resident__nickname="Caramel")
    with chromium_page(tmp_path / "profile", viewport=screen) as page:
        login(page, live_server.url, "lea", PASSWORD)
        page.goto(f"{live_server.url}/visites/{visit.pk}/")

        bar = page.get_by_test_id("outcome-bar").bounding_box()
        # At most 126 px: "Vu·e", then the six other outcomes side by side.
        print(f"outcome bar: {bar['height']:.0f} px")
        assert bar["height"] <= 0.15 * screen["height"], bar
        assert bar["y"] + bar["height"] <= screen["height"]  # on screen, without scrolling
        for outcome in ["seen", "absent", "refused", "empty_room", "hospitalised", "other"]:
            button = page.get_by_test_id(f"outcome-{outcome}")
            assert button.bounding_box()["height"] >= MIN_TAP_TARGET, outcome
        assert page.evaluate("document.documentElement.scrollWidth") <= screen["width"]

        # The last outcome is reached by sliding the row, and still records.
        with page.expect_navigation():
            page.get_by_test_id("outcome-not_made").click()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.MISSED
