"""A social worker ticks the week's vouchers for a hotel, then gives out a kit base during a
visit: the bag's stock goes down by one."""

import pytest
from playwright.sync_api import expect

from harmreduction.models import StockLevel, VoucherDistribution
from harmreduction.services import stock_receive, voucher_receive
from harmreduction.tests.conftest import DAY, THIS_MONDAY, TODAY
from tests.browser import PHONE, chromium_page, login
from tests.factories import (
    HotelFactory,
    ItemFactory,
    LocationFactory,
    PlaceFactory,
    PlacementFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import VisitStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"


@pytest.fixture
def page(tmp_path):
    with chromium_page(tmp_path / "profile", viewport=PHONE) as page:
        yield page


@pytest.fixture
def round_at_the_canal():
    worker = UserFactory(username="lea", roles=["social_worker"])
    canal = HotelFactory(name="Hôtel du Canal")
    stays = [
        PlacementFactory(
            place=PlaceFactory(hotel=canal, room=room),
            resident__nickname=name,
            start=TODAY - 40 * DAY,
        )
        for room, name in [("101", "Tonton"), ("102", "Zaza")]
    ]
    PlacementFactory(resident__nickname="Ailleurs", start=TODAY - 40 * DAY)
    bag = LocationFactory(name="Sac équipe A")
    kit_base = ItemFactory(name="Kit base", category="inhalation", unit="kit")
    stock_receive(location=bag, quantities={kit_base: 5}, by=worker)
    voucher_receive(quantity=100, on=TODAY, by=worker)
    visit = VisitFactory(placement=stays[0], worker=worker)
    return {
        "worker": worker,
        "canal": canal,
        "stays": stays,
        "bag": bag,
        "kit": kit_base,
        "visit": visit,
    }


def test_it_ticks_the_vouchers_then_hands_out_a_kit_during_a_visit(
    page, live_server, round_at_the_canal
):
    data = round_at_the_canal
    login(page, live_server.url, "lea", PASSWORD)

    page.goto(f"{live_server.url}/tickets/?hotel={data['canal'].pk}")
    lines = page.get_by_test_id("voucher-line")
    expect(lines).to_have_count(2)
    for stay in data["stays"]:
        line = page.locator(f"#voucher-{stay.resident_id}")
        line.get_by_test_id(f"give-{stay.resident_id}").click()
        expect(line.get_by_test_id("voucher-status")).to_contain_text("Remis")
        expect(line.get_by_test_id("voucher-status")).to_contain_text(
            "pendant une visite à domicile"
        )

    given = VoucherDistribution.objects.given().filter(week=THIS_MONDAY)
    assert sorted(given.values_list("resident__nickname", flat=True)) == ["Tonton", "Zaza"]
    assert set(given.values_list("recorded_by__username", flat=True)) == {"lea"}

    page.goto(f"{live_server.url}/visites/{data['visit'].pk}/")
    page.locator("details summary").first.click()
    material = page.get_by_test_id("visit-material")
    expect(material.get_by_label("Matériel pris dans")).to_have_value(str(data["bag"].pk))
    expect(material).to_contain_text("Les tickets service de la semaine sont déjà remis.")
    material.get_by_label("Kit base").fill("1")
    with page.expect_navigation():
        page.get_by_test_id("outcome-seen").click()

    expect(page.locator(".alert-success")).to_contain_text("Tonton")
    data["visit"].refresh_from_db()
    assert data["visit"].status == VisitStatus.DONE
    assert StockLevel.objects.get(location=data["bag"], item=data["kit"]).quantity == 4

    page.goto(f"{live_server.url}/rdr/lieux/{data['bag'].pk}/")
    expect(page.get_by_test_id("location-levels")).to_contain_text("Kit base")
    expect(page.get_by_test_id("ledger").locator("tbody tr").first).to_contain_text("-1")
