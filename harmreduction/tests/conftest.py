import datetime

import pytest
from django.utils import timezone

from harmreduction import services
from harmreduction.models import Item, LocationKind, VoucherStock, week_start
from tests.factories import ItemFactory, LocationFactory, PlacementFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
WEEK = 7 * DAY
THIS_MONDAY = week_start(TODAY)
LAST_MONDAY = THIS_MONDAY - WEEK


@pytest.fixture
def office(db):
    return LocationFactory(name="Bureau", kind=LocationKind.OFFICE)


@pytest.fixture
def bag(db):
    return LocationFactory(name="Sac équipe A")


@pytest.fixture
def kit_base(db):
    """The catalogue's "Kit base" (data migration), or the same again after a flush."""
    return ItemFactory(name="Kit base", category="inhalation", unit="kit")


@pytest.fixture
def pipe(db):
    return ItemFactory(name="Pipe (doseur)", category="inhalation", unit="piece")


@pytest.fixture
def stock(chloe):
    """stock(location, {item: n}): put units in a location through a receipt (a dated item's
    batch expiring in a year)."""

    def put(location, quantities: dict[Item, int]):
        lots = {item: services.Lot("TEST", TODAY + 365 * DAY) for item in quantities if item.dated}
        services.stock_receive(location=location, quantities=quantities, lots=lots, by=chloe)

    return put


@pytest.fixture
def vouchers(chloe):
    """vouchers(n): n vouchers in the safe, received from the funder."""

    def put(quantity: int):
        services.voucher_receive(quantity=quantity, on=TODAY, by=chloe)

    return put


@pytest.fixture
def housed(db):
    """An ongoing stay that started a month ago."""
    return PlacementFactory(resident__nickname="Caramel", start=TODAY - 30 * DAY)


def voucher_balance() -> int:
    stock = VoucherStock.objects.filter(pk=1).first()
    return stock.balance if stock else 0


@pytest.fixture
def nyxoid(db):
    """The catalogue's nasal naloxone, a dated item: its deliveries give an expiry date."""
    return ItemFactory(name="Nyxoid (nasal)", category="naloxone", unit="box", dated=True)
