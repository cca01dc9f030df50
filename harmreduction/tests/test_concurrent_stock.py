"""Two workers give out the last units at the same moment: exactly one succeeds.

Real PostgreSQL connections, one per thread. For the material, both workers start together and
each one, once it has read the balance, waits for the other to have read it too (half a second
at most) before writing: with the balance row's lock the second cannot read it before the first
commits, and then reads 0 and gets the French message — never a negative stock, never two kits
for one. For the vouchers, the first transaction takes the last ones and waits before
committing; the second blocks on the stock's lock, then reads the balance the first one left.

`serialized_rollback`: the flush after a transactional test then leaves the content types alone,
so the browser tests that run after it can restore the database as it was.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from harmreduction.models import (
    StockLevel,
    StockMovement,
    SupplyDistribution,
    VoucherDistribution,
    VoucherStock,
)
from harmreduction.services import (
    stock_receive,
    supplies,
    supply_give,
    voucher_give,
    voucher_receive,
)
from harmreduction.tests.conftest import DAY, THIS_MONDAY, TODAY
from tests.factories import ItemFactory, LocationFactory, PlacementFactory, UserFactory


def _race(first, second) -> dict:
    """Run `first` in a transaction held open until `second` has started and is blocked."""
    done, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold():
        try:
            with transaction.atomic():
                first()
                done.set()
                release.wait(10)
            outcome["first"] = "ok"
        except Exception as error:  # reported by the assertions of the test
            outcome["first"] = error
        finally:
            done.set()
            connection.close()

    def meanwhile():
        done.wait(10)
        try:
            second()
            outcome["second"] = "ok"
        except ValidationError as error:
            outcome["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=meanwhile)]
    for thread in threads:
        thread.start()
    done.wait(10)
    time.sleep(0.5)  # the second connection now waits for the lock
    release.set()
    for thread in threads:
        thread.join(20)
    return outcome


@pytest.fixture
def both_read_before_writing(monkeypatch):
    """arm() -> from then on, hold each worker right after it read the stock levels until the
    other one read them too (half a second at most: with the lock, the other one waits)."""
    meeting = {"barrier": None}
    lock_levels = supplies.lock_levels

    def read_then_wait(pairs):
        levels = lock_levels(pairs)
        if meeting["barrier"] is not None:
            try:
                meeting["barrier"].wait(timeout=0.5)
            except threading.BrokenBarrierError:
                pass
        return levels

    monkeypatch.setattr(supplies, "lock_levels", read_then_wait)

    def arm():
        meeting["barrier"] = threading.Barrier(2)

    return arm


def _together(action) -> list:
    """Run `action` in two threads started at the same moment; their outcomes."""
    start = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index):
        start.wait(5)
        try:
            action()
            outcomes[index] = "ok"
        except ValidationError as error:
            outcomes[index] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_lets_one_of_two_workers_give_out_the_last_kit(both_read_before_writing):
    worker = UserFactory()
    bag = LocationFactory(name="Sac équipe B")
    kit = ItemFactory(name="Kit base", category="inhalation", unit="kit")
    rounds = 5

    for _round in range(rounds):
        stock_receive(location=bag, quantities={kit: 1}, by=worker)
        both_read_before_writing()

        outcomes = _together(lambda: supply_give(location=bag, quantities={kit: 1}, by=worker))

        assert sorted(outcomes) == [
            "Pas assez de « Kit base » dans Sac équipe B : il en reste 0, 1 demandé(s). "
            "Rien n’a été enregistré.",
            "ok",
        ]
        assert StockLevel.objects.get(location=bag, item=kit).quantity == 0

    assert SupplyDistribution.objects.count() == rounds
    handed_out = StockMovement.objects.filter(location=bag, item=kit, kind="distribution")
    assert list(handed_out.values_list("quantity", "balance_after")) == [(-1, 0)] * rounds


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_lets_one_of_two_workers_give_out_the_last_vouchers(settings):
    settings.VOUCHERS_PER_WEEK = 5
    worker = UserFactory()
    first = PlacementFactory(resident__nickname="Premier", start=TODAY - 20 * DAY)
    second = PlacementFactory(resident__nickname="Second", start=TODAY - 20 * DAY)
    voucher_receive(quantity=5, on=TODAY, by=worker)

    outcome = _race(
        lambda: voucher_give(resident=first.resident, week=THIS_MONDAY, by=worker, where="visit"),
        lambda: voucher_give(resident=second.resident, week=THIS_MONDAY, by=worker, where="visit"),
    )

    assert outcome["first"] == "ok"
    error = outcome["second"]
    assert isinstance(error, ValidationError)
    assert "Pas assez de tickets en stock : il en reste 0, il en faut 5." in error.messages[0]
    assert VoucherStock.objects.get().balance == 0
    assert list(VoucherDistribution.objects.values_list("resident__nickname", flat=True)) == [
        "Premier"
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_lets_one_of_two_workers_tick_the_same_line():
    worker = UserFactory()
    stay = PlacementFactory(resident__nickname="Unique", start=TODAY - 20 * DAY)
    voucher_receive(quantity=50, on=TODAY, by=worker)

    def give():
        voucher_give(resident=stay.resident, week=THIS_MONDAY, by=worker, where="office")

    outcome = _race(give, give)

    assert outcome["first"] == "ok"
    assert "ont déjà été remis par" in outcome["second"].messages[0]
    assert VoucherDistribution.objects.count() == 1
    assert VoucherStock.objects.get().balance == 45
