"""Stock cannot go below zero, even when a write bypasses the services: the database refuses.

The services check the balance first and answer in French; these tests write around them (a
queryset update, a model saved directly, a ledger line made by hand) and expect the CHECK
constraint of each stock table to refuse the row.
"""

import pytest
from django.db import IntegrityError, transaction

from harmreduction.models import StockLevel, StockMovement, VoucherLedgerLine, VoucherStock


def refused_by(constraint: str):
    """Expect the database to refuse the write, naming this constraint."""
    return pytest.raises(IntegrityError, match=constraint)


@pytest.mark.django_db
def test_it_refuses_a_negative_stock_level(bag, kit_base, stock):
    stock(bag, {kit_base: 3})
    levels = StockLevel.objects.filter(location=bag, item=kit_base)

    with refused_by("stock_not_negative"), transaction.atomic():
        levels.update(quantity=-1)

    level = levels.get()
    level.quantity = -2
    with refused_by("stock_not_negative"), transaction.atomic():
        level.save()

    assert levels.get().quantity == 3


@pytest.mark.django_db
def test_it_refuses_a_stock_movement_leaving_a_negative_balance(chloe, bag, kit_base):
    with refused_by("stock_movement_balance_not_negative"), transaction.atomic():
        StockMovement.objects.create(
            location=bag,
            item=kit_base,
            kind="adjustment",
            quantity=-1,
            balance_after=-1,
            reason="Kit perdu",
            by=chloe,
        )
    assert not StockMovement.objects.filter(location=bag).exists()


@pytest.mark.django_db
def test_it_refuses_a_negative_voucher_balance(vouchers):
    vouchers(5)
    with refused_by("voucher_stock_not_negative"), transaction.atomic():
        VoucherStock.objects.update(balance=-1)

    safe = VoucherStock.objects.get()
    safe.balance = -5
    with refused_by("voucher_stock_not_negative"), transaction.atomic():
        safe.save()

    assert VoucherStock.objects.get().balance == 5


@pytest.mark.django_db
def test_it_refuses_a_voucher_ledger_line_leaving_a_negative_balance(chloe):
    with refused_by("voucher_ledger_balance_not_negative"), transaction.atomic():
        VoucherLedgerLine.objects.create(kind="lost", quantity=-1, balance_after=-1, by=chloe)
    assert not VoucherLedgerLine.objects.exists()
