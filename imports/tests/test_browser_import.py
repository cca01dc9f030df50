"""A coordinator downloads nothing, uploads the team's spreadsheet from the menu, reads the
problems of the preview and imports the valid rows, in a real browser."""

import pytest
from playwright.sync_api import expect

from imports.tests.conftest import PEOPLE_HEADER, STAYS_HEADER, xlsx
from placements.models import Hotel, Place, Placement
from residents.models import Resident
from tests.browser import chromium_page, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"


@pytest.fixture
def page(tmp_path):
    with chromium_page(tmp_path / "profile") as page:
        yield page


def test_it_uploads_previews_and_imports_a_spreadsheet(page, live_server, chloe, tmp_path):
    hotel = Hotel.objects.create(name="Hôtel du Canal", address="12 rue", arrondissement=10)
    Place.objects.create(hotel=hotel, room="12")
    spreadsheet = tmp_path / "file-active.xlsx"
    spreadsheet.write_bytes(
        xlsx(
            {
                "Personnes": [PEOPLE_HEADER, ["A1", "Abdel", "", "", 1980, "H"]],
                "Séjours": [
                    STAYS_HEADER,
                    ["A1", "Hôtel du Canal", "12", "", "03/02/2025", "", ""],
                    ["A1", "Hôtel Lune", "1", "", "01/01/2024", "01/02/2024", "rue"],
                ],
            }
        )
    )
    login(page, live_server.url, "chloe", PASSWORD)
    page.get_by_test_id("main-menu").get_by_role("button", name="Pilotage").click()  # its group
    with page.expect_navigation():
        page.get_by_test_id("main-menu").get_by_role("link", name="Importer").click()
    expect(page.locator("h1")).to_have_text("Importer les tableurs")

    page.locator("input[type=file]").set_input_files(str(spreadsheet))
    with page.expect_navigation():
        page.get_by_role("button", name="Aperçu").click()
    expect(page.get_by_test_id("preview")).to_contain_text("rien n’est encore enregistré")
    expect(page.get_by_test_id("problems")).to_contain_text(
        "Hôtel inconnu : « Hôtel Lune » n’est pas un hôtel d’Ancrage (Hôtel du Canal)."
    )
    assert not Resident.objects.exists()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Importer les lignes sans problème").click()
    expect(page.get_by_test_id("imported")).to_be_visible()
    assert Placement.objects.get().resident.nickname == "Abdel"
