"""Weekly meal vouchers and harm-reduction supplies.

Two stocks, each kept as a ledger: every unit in or out is a line, and a running balance row
(`VoucherStock`, `StockLevel`) that a database CHECK keeps at zero or above. Workflows that move
stock lock the balance rows first (see `harmreduction.services`), so two workers giving out the
last units at the same moment are served one after the other: the second one reads the balance
the first one left and gets a French message instead of a negative stock.

The models live in one module per domain, all in this app (same tables, same migrations):

- `common`: what both sides share, the ISO week and where something was handed out;
- `vouchers`: the meal vouchers, each resident's week, the voucher stock and its ledger;
- `supplies`: the material, its catalogue, locations, stock ledger, counts, handouts (naloxone
  kits included) and low-stock alerts;
- `activities`: the rest of the harm-reduction work, collections of used material, overdoses,
  advice and drug checking.

`vouchers` and `supplies` do not import each other. Every name is re-exported here, so
`from harmreduction.models import X` keeps working.
"""

# isort: off
# The models register in the order they always had: loops over the app registry follow it.
from harmreduction.models.common import WEEK, Setting, week_start
from harmreduction.models.vouchers import (
    VOUCHER_KINDS_IN,
    CancelKind,
    MissedReason,
    VoucherDistribution,
    VoucherDistributionQuerySet,
    VoucherLedgerKind,
    VoucherLedgerLine,
    VoucherLowStockAlert,
    VoucherStatus,
    VoucherStock,
    euros,
)
from harmreduction.models.supplies import (
    CATEGORY_ORDER,
    Category,
    ExpiryAlert,
    InventoryCount,
    InventoryLine,
    Item,
    ItemQuerySet,
    Location,
    LocationKind,
    LocationQuerySet,
    LowStockAlert,
    MovementKind,
    NaloxoneKit,
    NaloxoneTraining,
    StockLevel,
    StockMovement,
    SupplyDistribution,
    SupplyDistributionLine,
    Unit,
)
from harmreduction.models.activities import (
    AdviceSession,
    AdviceTopic,
    AnalysisNetwork,
    Collection,
    Overdose,
    OverdoseOutcome,
    Sample,
    SampleQuerySet,
)
# isort: on

__all__ = [
    # common
    "WEEK",
    "Setting",
    "week_start",
    # vouchers
    "VOUCHER_KINDS_IN",
    "CancelKind",
    "MissedReason",
    "VoucherDistribution",
    "VoucherDistributionQuerySet",
    "VoucherLedgerKind",
    "VoucherLedgerLine",
    "VoucherLowStockAlert",
    "VoucherStatus",
    "VoucherStock",
    "euros",
    # supplies
    "CATEGORY_ORDER",
    "Category",
    "ExpiryAlert",
    "InventoryCount",
    "InventoryLine",
    "Item",
    "ItemQuerySet",
    "Location",
    "LocationKind",
    "LocationQuerySet",
    "LowStockAlert",
    "MovementKind",
    "NaloxoneKit",
    "NaloxoneTraining",
    "StockLevel",
    "StockMovement",
    "SupplyDistribution",
    "SupplyDistributionLine",
    "Unit",
    # activities
    "AdviceSession",
    "AdviceTopic",
    "AnalysisNetwork",
    "Collection",
    "Overdose",
    "OverdoseOutcome",
    "Sample",
    "SampleQuerySet",
]
