"""In the hotel corridor (issue 16): a visit typed without a connection is kept, queued and sent
once; the device forgets everything at logout, at the end of the session and for another user.

Chromium goes offline with Playwright's network emulation (`context.set_offline`); the pages
come back from the service worker. Each test tells a whole story to keep the browser starts few.
"""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser import DESKTOP, PHONE, chromium_page, login
from tests.factories import HotelFactory, UserFactory, VisitFactory
from visits.models import Outcome, Visit, VisitStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct horse battery"
NEEDS = "besoins et demandes"

STORAGE = """async () => ({
    caches: await caches.keys(),
    databases: (await indexedDB.databases()).map((database) => database.name),
    local: Object.keys(localStorage),
})"""
EMPTY = {"caches": [], "databases": [], "local": []}


def _ready(page, state="ready"):
    page.wait_for_selector(f"html[data-offline={state}]", state="attached")


def _eventually(page, script, arg=None, seconds=8):
    """Poll an async script in the page until it answers something true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = page.evaluate(script, arg)
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"never true: {script}")


def _kept(page, url):
    """The service worker keeps `url`."""
    _eventually(page, "async (url) => !!(await caches.match(url))", url)


def _draft_saved(page, text):
    _eventually(
        page,
        """async (text) => (await AncrageOffline.store.all("drafts"))
            .some((draft) => JSON.stringify(draft.values).includes(text))""",
        text,
    )


def _type_needs(page, text):
    page.locator("[data-testid=visit-details] > summary").click()
    page.get_by_label(NEEDS).fill(text)
    _draft_saved(page, text)


@pytest.fixture
def phone(tmp_path):
    with chromium_page(tmp_path / "profile", viewport=PHONE) as page:
        yield page


@pytest.fixture
def desktop(tmp_path):
    with chromium_page(tmp_path / "profile", viewport=DESKTOP) as page:
        yield page


def test_visits_typed_offline_are_queued_kept_and_sent_once(phone, live_server):
    page = phone
    lea = UserFactory(username="lea", roles=[Role.SOCIAL_WORKER])
    hotel = HotelFactory(name="Hôtel des Lilas")
    pepito = VisitFactory(
        worker=lea, placement__place__hotel=hotel, placement__resident__nickname="Pépito"
    )
    mimi = VisitFactory(
        worker=lea, placement__place__hotel=hotel, placement__resident__nickname="Mimi"
    )
    pepito_url = f"{live_server.url}/visites/{pepito.pk}/"
    mimi_url = f"{live_server.url}/visites/{mimi.pk}/"
    login(page, live_server.url, "lea", PASSWORD)
    page.goto(f"{live_server.url}/visites/")
    _ready(page)
    _kept(page, pepito_url)  # today's list hands its visit forms to the service worker
    _kept(page, mimi_url)

    # Pépito: typed, the Wi-Fi drops, "Vu·e": queued on the phone, nothing lost.
    page.goto(pepito_url)
    _ready(page)
    _type_needs(page, "Vêtements chauds")
    page.context.set_offline(True)
    page.get_by_test_id("outcome-seen").click()
    status = page.get_by_test_id("offline-status")
    expect(status).to_contain_text("1 en attente d’envoi")
    expect(status.get_by_test_id("offline-item")).to_have_attribute("data-state", "pending")
    expect(page.get_by_test_id("offline-notice")).to_contain_text("Pas de connexion")

    # Reloaded without a connection: the page comes from the phone, with the draft.
    page.reload()
    _ready(page)
    expect(page.get_by_label(NEEDS)).to_have_value("Vêtements chauds")
    expect(status).to_contain_text("1 en attente d’envoi")

    # Mimi: opened from the list without a connection.
    page.goto(f"{live_server.url}/visites/")
    with page.expect_navigation():
        page.get_by_test_id("visit").filter(has_text="Mimi").click()
    _ready(page)
    _type_needs(page, "Rendez-vous CAF")
    assert Visit.objects.get(pk=pepito.pk).status == VisitStatus.PLANNED

    # The connection returns: Pépito's visit is saved, once.
    page.context.route(mimi_url, _refuse_posts)  # but the hotel's Wi-Fi still loses Mimi's form
    page.context.set_offline(False)
    expect(status.locator("[data-state=sent]")).to_contain_text("Pépito")
    saved = Visit.objects.get(pk=pepito.pk)
    assert (saved.status, saved.outcome, saved.needs) == (
        VisitStatus.DONE,
        Outcome.SEEN,
        "Vêtements chauds",
    )

    # "Absent·e" for Mimi: the browser believes it is online, the form never reaches the server.
    # The service worker queues it; meanwhile a colleague logs her visit.
    with page.expect_navigation():
        page.get_by_test_id("outcome-absent").click()
    _ready(page)
    expect(status).to_contain_text("1 en attente d’envoi")
    expect(status.get_by_test_id("offline-item")).to_contain_text("Mimi")
    colleague = UserFactory(username="sam", roles=[Role.SOCIAL_WORKER])
    Visit.objects.filter(pk=mimi.pk).update(
        status=VisitStatus.DONE, outcome=Outcome.SEEN, logged_by=colleague, logged_at=timezone.now()
    )

    # The next page sends it: refused, it says why, and Mimi's draft is still on the phone.
    page.context.unroute(mimi_url)
    page.reload()
    _ready(page)
    refused = status.locator("[data-state=refused]")
    expect(refused).to_contain_text("Mimi")
    expect(refused).to_contain_text(f"Cette visite a déjà été enregistrée par {colleague}")
    expect(refused).to_contain_text("Votre brouillon est conservé.")
    expect(page.get_by_label(NEEDS)).to_have_value("Rendez-vous CAF")
    expect(page.get_by_test_id("offline-notice")).to_contain_text("brouillon a été restauré")
    assert Visit.objects.get(pk=mimi.pk).needs == ""
    assert Visit.objects.filter(resident=pepito.resident).count() == 1
    assert Visit.objects.get(pk=pepito.pk).needs == "Vêtements chauds"

    # She sends it again, online: it corrects the visit; the draft and the refusal go.
    with page.expect_navigation():
        page.get_by_test_id("outcome-absent").click()
    _ready(page)
    expect(status).to_be_hidden()
    assert Visit.objects.get(pk=mimi.pk).needs == "Rendez-vous CAF"
    assert page.evaluate('async () => (await AncrageOffline.store.all("drafts")).length') == 0

    # Past the end of the session, the phone shows nothing it kept, and forgets it.
    today_url = f"{live_server.url}/visites/"
    page.goto(today_url)
    _ready(page)
    _kept(page, today_url)
    page.evaluate(
        """async () => AncrageOffline.writeMeta(
            {...(await AncrageOffline.readMeta()), sessionEnds: 0}
        )"""
    )
    page.context.set_offline(True)
    page.goto(today_url)
    expect(page.locator("body")).to_contain_text("Pas de connexion")
    assert page.evaluate(STORAGE)["caches"] == []


def _refuse_posts(route):
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.continue_()


def _fill_the_device(page, live_server, visit):
    page.goto(f"{live_server.url}/visites/")
    _ready(page)
    _kept(page, f"{live_server.url}/visites/{visit.pk}/")
    page.goto(f"{live_server.url}/visites/{visit.pk}/")
    _ready(page)
    _type_needs(page, "Couverture")
    stored = page.evaluate(STORAGE)
    assert "ancrage-pages" in stored["caches"] and stored["databases"] == ["ancrage"]


def test_the_device_forgets_at_logout_session_end_and_for_another_user(desktop, live_server):
    page = desktop
    lea = UserFactory(username="lea", roles=[Role.SOCIAL_WORKER])
    UserFactory(username="bob", roles=[Role.SOCIAL_WORKER])
    visit = VisitFactory(worker=lea, placement__resident__nickname="Pépito")

    # A note's draft survives a reload too.
    login(page, live_server.url, "lea", PASSWORD)
    note_url = f"{live_server.url}/residents/{visit.resident_id}/notes/nouvelle/"
    page.goto(note_url)
    _ready(page)
    page.locator("textarea[name=text]").fill("A demandé un rendez-vous à la CAF")
    _draft_saved(page, "rendez-vous à la CAF")
    page.reload()
    _ready(page)
    expect(page.locator("textarea[name=text]")).to_have_value("A demandé un rendez-vous à la CAF")

    # Logout.
    _fill_the_device(page, live_server, visit)
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    _ready(page, "wiped")
    assert page.evaluate(STORAGE) == EMPTY

    # The session ends on the server (idle too long): the next page is the login page.
    login(page, live_server.url, "lea", PASSWORD)
    _fill_the_device(page, live_server, visit)
    Session.objects.all().delete()
    page.goto(f"{live_server.url}/visites/")
    assert "/connexion/" in page.url
    _ready(page, "wiped")
    assert page.evaluate(STORAGE) == EMPTY

    # Bob's session turns up in the same browser without the login page: Léa's copy goes.
    login(page, live_server.url, "lea", PASSWORD)
    _fill_the_device(page, live_server, visit)
    bob_client = Client()
    bob_client.force_login(UserFactory._meta.model.objects.get(username="bob"))
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": bob_client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/")
    _ready(page)
    assert page.evaluate(
        "async (url) => !(await caches.match(url))", f"{live_server.url}/visites/{visit.pk}/"
    )
    assert page.evaluate('async () => (await AncrageOffline.store.all("drafts")).length') == 0
    assert page.evaluate("() => localStorage.getItem('ancrage.owner')") != ""

    # And nobody at all (the login page): nothing.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/connexion/")
    _ready(page, "wiped")
    assert page.evaluate(STORAGE) == EMPTY
