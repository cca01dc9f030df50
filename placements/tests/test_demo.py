"""The demo stays: consistent with the places, deterministic, idempotent."""

import datetime
import random

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from placements import demo
from placements.models import Absence, ExitDestination, Incident, Placement, PlaceOutage
from placements.selectors import board_hotels, hotel_boards, overall_totals
from residents import demo as residents_demo
from residents.selectors import admitted_without_place
from tests import shared_data

TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def module_seeded(django_db_setup, django_db_blocker):
    """The demo's accounts, places, people and stays: seeded once for the module's tests."""
    yield from shared_data.built_once_for_the_module(django_db_blocker, _seed)


@pytest.fixture
def seeded(db, module_seeded):
    """The stays seeder's summary; what a test writes is rolled back after it."""
    return shared_data.copy_for_one_test(module_seeded)


def _seed() -> str:
    accounts_demo.seed(rng=random.Random(1), scale="demo")
    demo.seed(rng=random.Random(2), scale="demo")
    residents_demo.seed(rng=random.Random(3), scale="demo")
    return demo.seed_stays(rng=random.Random(4), scale="demo")


def _stays():
    return list(
        Placement.objects.order_by("resident_id", "start").values_list(
            "resident__nickname", "place__hotel__name", "place__room", "place__bed", "start", "end"
        )
    )


@pytest.mark.django_db
def test_it_fills_about_the_places_of_the_programme(seeded):
    totals = overall_totals(hotel_boards(board_hotels()))
    assert 60 <= totals["occupied"] + totals["held"] <= 66
    assert totals["free"] >= 2 and totals["held"] >= 2 and totals["out"] == 1
    year_ago = TODAY - datetime.timedelta(days=365)
    people = Placement.objects.overlapping(year_ago, TODAY).values("resident").distinct()
    assert 85 <= people.count() <= 110, "about 100 people a year"
    assert Placement.objects.filter(previous__isnull=False).exists(), "some transfers"
    destinations = set(Placement.objects.exits().values_list("exit_destination", flat=True))
    assert len(destinations) >= 8 and ExitDestination.TRANSFER not in destinations
    assert Absence.objects.filter(released=True).exists()
    assert Incident.objects.open().exists() and Incident.objects.filter(actions__isnull=False)


@pytest.mark.django_db
def test_it_keeps_every_row_valid_and_every_outage_free(seeded):
    for model in (Placement, Absence, Incident):
        for row in model.objects.all():
            row.full_clean()
    for outage in PlaceOutage.objects.all():
        overlapping = Placement.objects.filter(place=outage.place).overlapping(
            outage.start, outage.end
        )
        assert not overlapping.exists()


@pytest.mark.django_db
def test_it_links_each_entry_to_an_admitted_request(seeded):
    entries = Placement.objects.entries().select_related("admission")
    assert entries.exists() and not entries.filter(admission__isnull=True).exists()
    for stay in entries:
        assert stay.admission.status == "admitted"
        assert stay.admission.received_on <= stay.admission.decided_on <= stay.start
    assert len(admitted_without_place()) == 3, "the residents seeder's admitted people wait"


@pytest.mark.django_db
def test_it_adds_nothing_the_second_time(seeded):
    before = _stays()
    assert "nothing added" in demo.seed_stays(rng=random.Random(4), scale="demo")
    assert _stays() == before
