"""Reads that need care: the weekly voucher sheet, the stock pages, the reconciliation, the
dashboard cards and the resident timeline. Each runs a fixed number of queries.

One module per domain: `vouchers`, `supplies` (the material) and `activities` (advice, drug
checking, overdoses). The readers are re-exported here for the code that spans the domains.
"""

from harmreduction.selectors.activities import (
    UNEXPECTED_RESULT_DAYS,
    advice_entries,
    overdose_entries,
    sample_alert_card,
    sample_entries,
)
from harmreduction.selectors.supplies import (
    BatchInStock,
    StockRow,
    batches_in_stock,
    by_category,
    catalogue,
    distributions,
    expiring,
    kits_expiring,
    low_levels,
    low_stock_card,
    naloxone_kits,
    stock_table,
    supply_entries,
)
from harmreduction.selectors.vouchers import (
    ReconciliationMonth,
    SheetLine,
    SheetTotals,
    VoucherCover,
    VoucherSheet,
    housed_during,
    residents_still_due,
    sheet_hotels,
    voucher_balance,
    voucher_card,
    voucher_cover,
    voucher_entries,
    voucher_low_stock_card,
    voucher_reconciliation,
    voucher_sheet,
    voucher_sheet_page,
)

# The resident page's timeline, in this order.
TIMELINE_SOURCES = (
    voucher_entries,
    supply_entries,
    advice_entries,
    sample_entries,
    overdose_entries,
)

__all__ = [
    "TIMELINE_SOURCES",
    "UNEXPECTED_RESULT_DAYS",
    "ReconciliationMonth",
    "BatchInStock",
    "SheetLine",
    "SheetTotals",
    "StockRow",
    "VoucherCover",
    "VoucherSheet",
    "advice_entries",
    "batches_in_stock",
    "by_category",
    "catalogue",
    "distributions",
    "expiring",
    "housed_during",
    "kits_expiring",
    "low_levels",
    "low_stock_card",
    "naloxone_kits",
    "overdose_entries",
    "residents_still_due",
    "sheet_hotels",
    "sample_alert_card",
    "sample_entries",
    "stock_table",
    "supply_entries",
    "voucher_balance",
    "voucher_card",
    "voucher_cover",
    "voucher_entries",
    "voucher_low_stock_card",
    "voucher_reconciliation",
    "voucher_sheet",
    "voucher_sheet_page",
]
