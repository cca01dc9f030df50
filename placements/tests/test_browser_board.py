"""A coordinator runs the board in a real browser: assigns the top of the waiting list to a free
place, transfers a resident to another hotel, and ends a stay with an exit to a CHRS."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import ExitDestination, Placement
from residents.models import AdmissionStatus
from tests.browser import chromium_page, login
from tests.factories import AdmissionRequestFactory, HotelFactory, PlaceFactory, PlacementFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def page(tmp_path, dialogs):
    def accept(dialog):  # the data-confirm questions, answered yes
        dialogs.append(dialog.message)
        dialog.accept()

    with chromium_page(tmp_path / "profile") as page:
        page.on("dialog", accept)
        yield page


@pytest.fixture
def places():
    """Canal: 101 Tonton (60 days), 102 free. Crimée: 201 free, 202 Zaza (30 days)."""
    canal, crimee = HotelFactory(name="Hôtel du Canal"), HotelFactory(name="Hôtel Crimée")
    housed, leaving = PlaceFactory(hotel=canal, room="101"), PlaceFactory(hotel=crimee, room="202")
    PlacementFactory(place=housed, resident__nickname="Tonton", start=TODAY - 60 * DAY)
    PlacementFactory(place=leaving, resident__nickname="Zaza", start=TODAY - 30 * DAY)
    return {
        "housed": housed,
        "free": PlaceFactory(hotel=canal, room="102"),
        "elsewhere": PlaceFactory(hotel=crimee, room="201"),
        "leaving": leaving,
    }


@pytest.fixture
def waiting_list():
    top = AdmissionRequestFactory(
        resident__nickname="Bambou", psychic_situation=4, isolation=4, vulnerability=3
    )
    AdmissionRequestFactory(resident__nickname="Coco")
    return top


def _card(page, place):
    return page.locator(f"#place-{place.pk}")


def test_it_assigns_transfers_and_ends_stays_from_the_board(
    page, dialogs, live_server, chloe, places, waiting_list
):
    login(page, live_server.url, "chloe", PASSWORD)
    page.goto(f"{live_server.url}/hotels/tableau/")
    expect(_card(page, places["free"])).to_have_attribute("data-state", "free")

    # Assign: the free place, the top of the waiting list, confirm (three clicks).
    _card(page, places["free"]).get_by_test_id("assign").click()
    page.get_by_test_id("waiting-candidates").get_by_role(
        "link", name="Admettre et choisir"
    ).first.click()
    expect(page.locator("h1")).to_contain_text("Bambou")
    page.get_by_role("button", name="Attribuer la place").click()
    free = _card(page, places["free"])
    expect(free).to_have_attribute("data-state", "occupied")
    expect(free).to_contain_text("Bambou")
    waiting_list.refresh_from_db()
    assert waiting_list.status == AdmissionStatus.ADMITTED

    # Transfer Tonton to the other hotel.
    _card(page, places["housed"]).get_by_role("link", name="Séjour").click()
    page.get_by_role("link", name="Transférer").click()
    page.get_by_label("Nouvelle place").select_option(label="Hôtel Crimée – Chambre 201")
    page.get_by_label("Motif du transfert").select_option(label="À la demande de la personne")
    page.get_by_role("button", name="Transférer").click()
    expect(_card(page, places["elsewhere"])).to_have_attribute("data-state", "occupied")
    expect(_card(page, places["elsewhere"])).to_contain_text("Tonton")
    expect(_card(page, places["housed"])).to_have_attribute("data-state", "free")

    # End Zaza's stay with an exit to a CHRS (the form asks for confirmation first).
    _card(page, places["leaving"]).get_by_role("link", name="Séjour").click()
    page.get_by_role("link", name="Terminer le séjour").click()
    page.get_by_label("Orientation de sortie").select_option(label="CHRS")
    page.get_by_label("Motif de sortie").select_option(label="Exclusion")
    page.get_by_role("button", name="Terminer le séjour").click()
    expect(page.locator(".alert-success")).to_contain_text("Le séjour de Zaza est terminé")
    assert dialogs == ["Terminer ce séjour ? La place sera libre à partir de la date de sortie."]
    expect(_card(page, places["leaving"])).to_have_attribute("data-state", "free")
    stay = Placement.objects.get(resident__nickname="Zaza")
    assert (stay.end, stay.exit_destination, stay.exit_reason, stay.ended_by) == (
        TODAY,
        ExitDestination.CHRS,
        "exclusion",
        chloe,
    )
