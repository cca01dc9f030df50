"""Reads of the material: the catalogue, the stock pages, the handouts and naloxone kits, the
low-stock card and the resident's timeline. Each runs a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils.translation import gettext as _

from accounts.policy import may
from harmreduction.models.supplies import (
    CATEGORY_ORDER,
    Category,
    Item,
    Location,
    NaloxoneKit,
    StockLevel,
    SupplyDistribution,
    SupplyDistributionLine,
)
from residents.models import open_file
from residents.timeline import TimelineEntry

# --- Material: stock ------------------------------------------------------------------------------


def catalogue(*, active_only: bool = True) -> list[Item]:
    items = Item.objects.all()
    if active_only:
        items = items.active()
    return list(items.in_catalogue_order())


def by_category(rows, key=lambda row: row) -> list[tuple[str, list]]:
    """(category label, rows) pairs in catalogue order; `key(row)` is the row's item and the
    rows are already in catalogue order."""
    grouped: dict[str, list] = defaultdict(list)
    for row in rows:
        grouped[key(row).category].append(row)
    return [
        (Category(category).label, grouped[category])
        for category in sorted(grouped, key=CATEGORY_ORDER.get)
    ]


@dataclass
class StockRow:
    item: Item
    cells: list[StockLevel | None]

    @property
    def total(self) -> int:
        return sum(cell.quantity for cell in self.cells if cell is not None)

    @property
    def is_low(self) -> bool:
        return any(cell is not None and cell.is_low for cell in self.cells)


def stock_table(locations: list[Location]) -> list[tuple[str, list[StockRow]]]:
    """Every active item by category, with its level in each of `locations`. Two queries."""
    items = catalogue()
    levels = {
        (level.location_id, level.item_id): level
        for level in StockLevel.objects.filter(location__in=locations)
    }
    rows = [
        StockRow(item, [levels.get((location.pk, item.pk)) for location in locations])
        for item in items
    ]
    grouped: dict[str, list[StockRow]] = defaultdict(list)
    for row in rows:
        grouped[row.item.category].append(row)
    return [
        (Category(category).label, grouped[category])
        for category in sorted(grouped, key=CATEGORY_ORDER.get)
    ]


def low_levels():
    """Levels below their threshold, in active locations and items."""
    return (
        StockLevel.objects.filter(threshold__gt=0, quantity__lt=F("threshold"))
        .filter(location__active=True, item__active=True)
        .select_related("location", "item")
        .order_by("location__kind", "location__name", "item__name")
    )


# The columns a row of the list shows (a person's file or an account has dozens more).
DISTRIBUTION_LIST_FIELDS = (
    "resident_id",
    "location_id",
    "setting",
    "visit_id",
    "given_at",
    "given_by_id",
    "resident__nickname",
    "location__name",
    "given_by__username",
    "given_by__first_name",
    "given_by__last_name",
)


def distributions():
    """Material handed out, newest first, ready for a list: nothing more per row."""
    return (
        SupplyDistribution.objects.select_related("resident", "location", "given_by")
        .only(*DISTRIBUTION_LIST_FIELDS)
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SupplyDistributionLine.objects.select_related("item").order_by(
                    "item__category", "item__position", "item__name"
                ),
            )
        )
        .order_by("-given_at", "-pk")
    )


def naloxone_kits():
    return NaloxoneKit.objects.select_related(
        "line__item",
        "line__distribution__resident",
        "line__distribution__given_by",
        "line__distribution__location",
    ).order_by("-line__distribution__given_at", "-pk")


def kits_expiring(on: datetime.date, *, within_days: int = 60):
    """Kits held by residents (the latest kit of each) expired or expiring within `within_days`."""
    latest = NaloxoneKit.objects.filter(
        line__distribution__resident=OuterRef("line__distribution__resident"),
        line__distribution__given_at__gt=OuterRef("line__distribution__given_at"),
    )
    return (
        naloxone_kits()
        .filter(
            open_file("line__distribution__resident"),
            line__distribution__resident__isnull=False,
            expires_on__lte=on + datetime.timedelta(days=within_days),
        )
        .filter(~Exists(latest))
        .order_by("expires_on", "pk")
    )


# --- Dashboard card -------------------------------------------------------------------------------


def low_stock_card(request) -> dict | None:
    if not may(request.user, "harmreduction.watch_stock"):
        return None
    levels = list(low_levels()[:8])
    if not levels:
        return None
    return {"levels": levels, "count": low_levels().count() if len(levels) == 8 else len(levels)}


# --- The resident's timeline ----------------------------------------------------------------------


def supply_entries(resident, user) -> list[TimelineEntry]:
    """Material handed out (naloxone kits with their training). Three queries."""
    handouts = resident.supply_distributions.select_related("location").prefetch_related(
        Prefetch(
            "lines",
            queryset=SupplyDistributionLine.objects.select_related("item", "naloxone_kit"),
        )
    )
    entries = []
    for handout in handouts:
        parts, kits = [], []
        for line in handout.lines.all():
            parts.append(f"{line.item.name} × {line.quantity}")
            kit = getattr(line, "naloxone_kit", None)
            if kit is not None:
                kits.append(kit)
        if kits:
            title = _("Naloxone kit given")
            parts.append(kits[0].get_training_display())
            icon = "heart-pulse"
        else:
            title = _("Harm-reduction material given (%(where)s)") % {
                "where": handout.get_setting_display().lower()
            }
            icon = "bag-heart"
        entries.append(
            TimelineEntry(
                at=handout.given_at,
                kind="supplies",
                title=title,
                detail=", ".join(parts),
                icon=icon,
            )
        )
    return entries
