"""The demo seeder: vouchers and material consistent with the stays and the visits."""

import datetime
import random

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User
from harmreduction import demo
from harmreduction.demo import DAY
from harmreduction.models import (
    StockLevel,
    StockMovement,
    SupplyDistribution,
    VoucherDistribution,
    VoucherLedgerLine,
    VoucherStock,
)
from harmreduction.selectors import batches_in_stock, expiring
from placements.models import Placement
from tests import shared_data
from tests.factories import HotelFactory, PlacementFactory, VisitFactory


@pytest.fixture(scope="module")
def module_seeded(django_db_setup, django_db_blocker):
    """The demo accounts, six people housed at various times, a year of their visits, and the
    demo's vouchers and material: seeded once for the module's tests."""
    yield from shared_data.built_once_for_the_module(django_db_blocker, _seed)


@pytest.fixture
def seeded(db, module_seeded):
    """The seeder's summary; what a test writes is rolled back after it."""
    return shared_data.copy_for_one_test(module_seeded)


def _seed() -> str:
    accounts_demo.seed(rng=random.Random(7), scale="demo")
    worker = User.objects.get(username="travailleur")
    today = timezone.localdate()
    hotel = HotelFactory()
    stays = [
        PlacementFactory(place__hotel=hotel, start=today - 400 * DAY),
        PlacementFactory(place__hotel=hotel, start=today - 300 * DAY),
        PlacementFactory(
            place__hotel=hotel,
            start=today - 500 * DAY,
            end=today - 200 * DAY,
            exit_destination="chrs",
        ),
        PlacementFactory(place__hotel=hotel, start=today - 20 * DAY),
        PlacementFactory(place__hotel=hotel, start=today - 60 * DAY),
        PlacementFactory(place__hotel=hotel, start=today - 100 * DAY),
    ]
    for stay in stays:
        day = max(stay.start, today - 365 * DAY)
        last = stay.end or today
        while day < last:
            VisitFactory(
                placement=stay,
                planned_on=day,
                worker=worker,
                status="done",
                outcome="seen",
                logged_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(11))),
                logged_by=worker,
            )
            day += 4 * DAY
    return demo.seed(rng=random.Random(7), scale="demo")


@pytest.mark.django_db
def test_it_gives_vouchers_only_to_people_housed_that_week(seeded):
    assert "voucher weeks given" in seeded
    rows = list(VoucherDistribution.objects.values_list("resident_id", "week"))
    assert len(rows) > 150
    stays = {}
    for resident_id, start, end in Placement.objects.values_list("resident_id", "start", "end"):
        stays.setdefault(resident_id, []).append((start, end))
    for resident_id, week in rows[::50]:
        assert any(
            start < week + demo.WEEK and (end is None or end > week)
            for start, end in stays[resident_id]
        )


@pytest.mark.django_db
def test_it_keeps_both_ledgers_consistent_and_never_negative(seeded):
    assert (
        VoucherStock.objects.get().balance
        == VoucherLedgerLine.objects.aggregate(t=Sum("quantity"))["t"]
    )
    assert not VoucherLedgerLine.objects.filter(balance_after__lt=0).exists()
    assert not StockMovement.objects.filter(balance_after__lt=0).exists()
    for level in StockLevel.objects.all():
        moved = StockMovement.objects.filter(location=level.location, item=level.item).aggregate(
            t=Sum("quantity")
        )["t"]
        assert level.quantity == (moved or 0)
    given_out = VoucherDistribution.objects.given().aggregate(t=Sum("quantity"))["t"]
    out = -VoucherLedgerLine.objects.filter(kind__in=["distribution", "correction"]).aggregate(
        t=Sum("quantity")
    )["t"]
    assert out == given_out


@pytest.mark.django_db
def test_it_hands_out_material_during_the_visits_of_the_same_person(seeded):
    at_visits = SupplyDistribution.objects.filter(visit__isnull=False)
    assert at_visits.exists()
    assert not at_visits.exclude(visit__resident=F("resident")).exists()
    assert SupplyDistribution.objects.filter(resident__isnull=True).exists()


@pytest.mark.django_db
def test_it_adds_nothing_the_second_time(seeded):
    before = (VoucherDistribution.objects.count(), StockMovement.objects.count())
    assert "nothing added" in demo.seed(rng=random.Random(7), scale="demo")
    assert (VoucherDistribution.objects.count(), StockMovement.objects.count()) == before


@pytest.mark.django_db
def test_it_gives_the_naloxone_deliveries_batches_and_one_expiring_soon(seeded):
    receipts = StockMovement.objects.filter(kind="receipt", item__category="naloxone")
    assert receipts.exists()
    assert not receipts.filter(expires_on__isnull=True).exists()
    assert not receipts.filter(batch="").exists()
    assert not StockMovement.objects.exclude(kind="receipt").exclude(expires_on=None).exists()
    soon = expiring(batches_in_stock(), timezone.localdate())
    assert soon, "the demo shows a batch expiring within 60 days"
    assert {batch.item.name for batch in soon} == {"Prenoxad (intramusculaire)"}
