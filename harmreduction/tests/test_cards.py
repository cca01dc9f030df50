"""The dashboard cards of this app: vouchers of the week, low stock, drug-checking alerts."""

import pytest
from django.urls import reverse

from harmreduction.models import StockLevel
from harmreduction.services import voucher_give
from harmreduction.tests.conftest import DAY, THIS_MONDAY, TODAY
from tests.factories import PlacementFactory, SampleFactory

HOME = reverse("home")


def _cards(response) -> list[str]:
    return [template for template, _context in response.context["cards"]]


@pytest.mark.django_db
def test_it_shows_the_weeks_vouchers_to_the_care_team(client_for, alice, marc, housed, vouchers):
    PlacementFactory(resident__nickname="Autre", start=THIS_MONDAY - 10 * DAY)
    vouchers(10)
    voucher_give(resident=housed.resident, week=THIS_MONDAY, by=alice, where="visit")
    response = client_for(alice).get(HOME)
    (card,) = [context for template, context in response.context["cards"] if "vouchers" in template]
    assert (card["housed"], card["given"], card["to_do"], card["last_week_due"]) == (2, 1, 1, 2)
    assert "harmreduction/card_vouchers.html" not in _cards(client_for(marc).get(HOME))


@pytest.mark.django_db
def test_it_shows_low_stock_to_the_coordinator_and_the_manager(
    client_for, chloe, marc, alice, bag, kit_base, stock
):
    stock(bag, {kit_base: 1})
    StockLevel.objects.update(threshold=4)
    response = client_for(chloe).get(HOME)
    assert "harmreduction/card_low_stock.html" in _cards(response)
    assert "Kit base (Sac équipe A) – <strong>1</strong> / 4" in response.content.decode()
    assert "harmreduction/card_low_stock.html" in _cards(client_for(marc).get(HOME))
    assert "harmreduction/card_low_stock.html" not in _cards(client_for(alice).get(HOME))


@pytest.mark.django_db
def test_it_hides_low_stock_when_nothing_is_low(client_for, chloe, bag, kit_base, stock):
    stock(bag, {kit_base: 5})
    StockLevel.objects.update(threshold=4)
    assert "harmreduction/card_low_stock.html" not in _cards(client_for(chloe).get(HOME))


@pytest.mark.django_db
def test_it_alerts_the_whole_team_about_recent_unexpected_results(client_for, alice, marc, ada):
    SampleFactory(
        presumed_product="Héroïne",
        collected_on=TODAY - 30 * DAY,
        sent_on=TODAY - 29 * DAY,
        result_on=TODAY - 2 * DAY,
        result="Fentanyl détecté",
        result_unexpected=True,
    )
    SampleFactory(
        presumed_product="Vieux",
        collected_on=TODAY - 90 * DAY,
        sent_on=TODAY - 89 * DAY,
        result_on=TODAY - 60 * DAY,
        result="Nitazène",
        result_unexpected=True,
    )
    response = client_for(alice).get(HOME)
    assert "harmreduction/card_samples.html" in _cards(response)
    body = response.content.decode()
    assert "Fentanyl détecté" in body and "Nitazène" not in body
    assert "harmreduction/card_samples.html" in _cards(client_for(marc).get(HOME))
    assert "harmreduction/card_samples.html" not in _cards(client_for(ada).get(HOME))


@pytest.mark.django_db
def test_it_shows_a_low_voucher_stock_to_the_coordinator_and_the_manager(
    client_for, chloe, marc, alice, housed, vouchers
):
    vouchers(12)  # one person housed: 5 a week, low below 15
    response = client_for(chloe).get(HOME)
    assert "harmreduction/card_voucher_low_stock.html" in _cards(response)
    body = response.content.decode()
    assert "Le stock couvre environ 2 semaines de remises." in body
    assert "12 tickets au coffre, 5 dus chaque semaine." in body
    assert "harmreduction/card_voucher_low_stock.html" in _cards(client_for(marc).get(HOME))
    assert "harmreduction/card_voucher_low_stock.html" not in _cards(client_for(alice).get(HOME))
    vouchers(10)
    assert "harmreduction/card_voucher_low_stock.html" not in _cards(client_for(chloe).get(HOME))
