"""Workflows that move vouchers and material, each in one transaction.

Both stocks are guarded the same way: the balance rows are locked (`SELECT … FOR UPDATE`, in a
fixed order) before anything is checked, so concurrent workflows run one after the other on the
rows they share, and each one checks the balance the previous one left. The CHECK constraints on
the balance rows are the last line of defence if code ever forgets the lock.

One module per domain: `vouchers` (the weekly vouchers and their stock), `supplies` (the
material's stock ledger and handouts) and `activities` (drug checking). The workflows are
re-exported here for the code that spans both domains (the visit form's extension).
"""

from harmreduction.services.activities import sample_saved
from harmreduction.services.supplies import (
    Lot,
    Move,
    apply_moves,
    lock_levels,
    naloxone_give,
    stock_adjust,
    stock_count,
    stock_receive,
    stock_transfer,
    supply_give,
)
from harmreduction.services.vouchers import (
    voucher_cancel,
    voucher_give,
    voucher_receive,
    voucher_record_missed,
    voucher_remove,
    week_is_open,
)

__all__ = [
    "Lot",
    "Move",
    "apply_moves",
    "lock_levels",
    "naloxone_give",
    "sample_saved",
    "stock_adjust",
    "stock_count",
    "stock_receive",
    "stock_transfer",
    "supply_give",
    "voucher_cancel",
    "voucher_give",
    "voucher_receive",
    "voucher_record_missed",
    "voucher_remove",
    "week_is_open",
]
