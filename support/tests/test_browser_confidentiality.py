"""The psychiatrist writes a note and its shared summary; a social worker sees the summary only.

`tests.browser.chromium_page` lifts Django's async-unsafe check while the browser runs, so the
factories and queries below run inside the `page` fixture.
"""

import pytest
from playwright.sync_api import expect

from support.models import MedicalNoteText, Note
from tests.browser import chromium_page, login
from tests.factories import PlacementFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"
SECRET = "Idées noires évoquées, MARQUEUR-7c41 traitement à réévaluer."
SUMMARY = "Période fragile : passer plutôt en fin de matinée."


@pytest.fixture
def page(tmp_path):
    with chromium_page(tmp_path / "profile") as page:
        yield page


def test_it_shares_the_summary_and_keeps_the_note(page, live_server, paul, alice):
    resident = PlacementFactory(resident__nickname="Papillon").resident
    resident_url = f"{live_server.url}/residents/{resident.pk}/"

    login(page, live_server.url, "paul", PASSWORD)
    page.goto(resident_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Écrire une note").click()
    form = page.locator("main form")
    expect(form.locator("select[name=kind]")).to_have_value("psychiatric")
    form.locator("textarea[name=text]").fill(SECRET)
    form.locator("textarea[name=shared_summary]").fill(SUMMARY)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    assert page.url == resident_url
    expect(page.locator(".alert-success")).to_contain_text(
        "La note psychiatrique a été enregistrée."
    )
    expect(page.get_by_test_id("timeline")).to_contain_text("MARQUEUR-7c41")
    note = Note.objects.get()
    assert (note.kind, note.text, MedicalNoteText.objects.get(note=note).text) == (
        "psychiatric",
        "",
        SECRET,
    )
    with page.expect_navigation():
        page.locator("form[action='/deconnexion/'] button[type=submit]").click()

    login(page, live_server.url, "alice", PASSWORD)
    page.goto(resident_url)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(SUMMARY)
    expect(timeline).to_contain_text("Synthèse partagée par")
    expect(page.locator("main")).not_to_contain_text("MARQUEUR-7c41")

    with page.expect_navigation():
        page.get_by_test_id("notes-link").click()
    notes = page.get_by_test_id("notes")
    expect(notes).to_contain_text(SUMMARY)
    expect(notes).to_contain_text("La note elle-même est réservée")
    expect(notes).not_to_contain_text("MARQUEUR-7c41")

    response = page.goto(f"{live_server.url}/notes/{note.pk}/")
    assert response.status == 404
    assert "MARQUEUR-7c41" not in page.content()
