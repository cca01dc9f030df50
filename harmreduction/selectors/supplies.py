"""Reads of the material: the catalogue, the stock pages, the handouts and naloxone kits, the
low-stock card and the resident's timeline. Each runs a fixed number of queries."""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Sum
from django.utils.translation import gettext as _

from accounts.policy import may
from harmreduction.models.supplies import (
    CATEGORY_ORDER,
    Category,
    Item,
    Location,
    MovementKind,
    NaloxoneKit,
    StockLevel,
    StockMovement,
    SupplyDistribution,
    SupplyDistributionLine,
)
from residents import timeline
from residents.models import open_file
from residents.timeline import Days, Rows, TimelineEntry

# --- Material: stock ------------------------------------------------------------------------------


def catalogue(*, active_only: bool = True) -> list[Item]:
    """The items (in use only, by default) in catalogue order. One query."""
    sql, params = _catalogue_sql(active_only)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = [field.attname for field in Item._meta.concrete_fields]
    return [Item.from_db(DATABASE, columns, row) for row in rows]


DATABASE = "default"


@functools.cache
def _levels_sql() -> str:
    """The levels of some locations (`%s`: an array of their ids), written out once rather than
    built by the ORM on every stock page."""
    columns = ", ".join(f'"{field.column}"' for field in StockLevel._meta.concrete_fields)
    return f'SELECT {columns} FROM "{StockLevel._meta.db_table}" WHERE "location_id" = ANY(%s)'


@functools.cache
def _catalogue_sql(active_only: bool) -> tuple[str, tuple]:
    """The statement of `catalogue`, built once a process: the ORM takes ~0.5 ms of CPU to
    build its order (a `CASE` over the categories), on the stock page and the five stock forms.
    Only the statement is kept: each call reads the items."""
    items = Item.objects.all()
    if active_only:
        items = items.active()
    return items.in_catalogue_order().query.sql_with_params()


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
    columns = [field.attname for field in StockLevel._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(_levels_sql(), ([location.pk for location in locations],))
        found = [StockLevel.from_db(DATABASE, columns, row) for row in cursor.fetchall()]
    levels = {(level.location_id, level.item_id): level for level in found}
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


@dataclass
class BatchInStock:
    """What is estimated to remain of a delivered batch (see `batches_in_stock`)."""

    item: Item
    batch: str
    expires_on: datetime.date
    received: int
    remaining: int

    def days_left(self, today: datetime.date) -> int:
        return (self.expires_on - today).days

    def is_expired(self, today: datetime.date) -> bool:
        return self.expires_on < today


def batches_in_stock(*, items: dict[int, Item] | None = None) -> list[BatchInStock]:
    """The delivered batches of which units remain, soonest expiry first. Two queries, and a
    third for their items unless `items` (by id: the catalogue a page already read) has them.

    The ledger does not follow a batch once it is in stock (a transfer or a handout does not say
    which batch it took), so what remains is an estimate, first expired, first out: the team hands
    out the batch that expires first, so the units an item has in stock (all locations together)
    are taken to be those of its latest-expiring batches. Units beyond the batches received with a
    date (stock from before the dates were recorded, units found at a count) have no known date
    and are left out.
    """
    totals_sql, receipts_sql = _batches_sql()
    with connection.cursor() as cursor:
        cursor.execute(*totals_sql)
        remaining = dict(cursor.fetchall())
        cursor.execute(*receipts_sql)
        receipts = cursor.fetchall()
    found: list[tuple[int, str, datetime.date, int, int]] = []
    for item_id, batch, expires_on, received in receipts:
        left = remaining.get(item_id, 0)
        take = min(left, received)
        if take > 0:
            remaining[item_id] = left - take
            found.append((item_id, batch, expires_on, received, take))
    known = items or {}
    wanted = {item_id for item_id, *_rest in found}
    items = {item_id: known[item_id] for item_id in wanted if item_id in known}
    if wanted - items.keys():
        items.update(Item.objects.in_bulk(wanted - items.keys()))
    batches = [
        BatchInStock(items[item_id], batch, expires_on, received, take)
        for item_id, batch, expires_on, received, take in found
    ]
    return sorted(batches, key=lambda b: (b.expires_on, b.item.name, b.batch))


@functools.cache
def _batches_sql():
    """The statements of `batches_in_stock`, built once a process: the units of each item in
    stock, and the batches received with a date (item, batch, expiry, units received) in the
    order they are taken. Only the statements are kept: each call reads the ledger."""
    totals = StockLevel.objects.values_list("item_id").annotate(total=Sum("quantity")).order_by()
    receipts = (
        StockMovement.objects.filter(kind=MovementKind.RECEIPT, expires_on__isnull=False)
        .values("item_id", "batch", "expires_on")
        .annotate(received=Sum("quantity"))
        .order_by("item_id", "-expires_on", "batch")
        .values_list("item_id", "batch", "expires_on", "received")
    )
    return totals.query.sql_with_params(), receipts.query.sql_with_params()


def expiring(
    batches: list[BatchInStock], today: datetime.date, *, within_days: int | None = None
) -> list[BatchInStock]:
    """The batches expired, or expiring within `within_days` (the setting by default)."""
    if within_days is None:
        within_days = settings.STOCK_EXPIRY_WARNING_DAYS
    limit = today + datetime.timedelta(days=within_days)
    return [batch for batch in batches if batch.expires_on <= limit]


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
    """Material handed out, newest first, ready for a list: nothing more per row (their lines
    come from `describe_lines`, for the rows of the page shown)."""
    return (
        SupplyDistribution.objects.select_related("resident", "location", "given_by")
        .only(*DISTRIBUTION_LIST_FIELDS)
        .order_by("-given_at", "-pk")
    )


def describe_lines(handouts: list[SupplyDistribution]) -> None:
    """Give each of `handouts` its `lines_text`, "item × quantity, …" in catalogue order. One
    query of three columns: the lines' rows and items are not built."""
    texts = defaultdict(list)
    lines = (
        SupplyDistributionLine.objects.filter(distribution__in=[h.pk for h in handouts])
        .order_by("item__category", "item__position", "item__name")
        .values_list("distribution_id", "item__name", "quantity")
    )
    for distribution_id, name, quantity in lines:
        texts[distribution_id].append(f"{name} × {quantity}")
    for handout in handouts:
        handout.lines_text = ", ".join(texts[handout.pk])


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


@timeline.reads(
    "harmreduction.SupplyDistribution",
    "harmreduction.SupplyDistributionLine",
    "harmreduction.Item",
    "harmreduction.Location",
    "harmreduction.NaloxoneKit",
)
def supply_entries(resident, user) -> list[Days]:
    """Material handed out (naloxone kits with their training): the days read with the other
    sources', two queries for the handouts shown."""
    handouts = resident.supply_distributions.all()
    rows = Rows(
        handouts.select_related("location").prefetch_related(
            Prefetch(
                "lines",
                queryset=SupplyDistributionLine.objects.select_related("item", "naloxone_kit"),
            )
        )
    )
    return [Days(handouts, "given_at", "supplies", _supply_entry, rows)]


def _supply_entry(handout) -> TimelineEntry:
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
    return TimelineEntry(
        at=handout.given_at,
        kind="supplies",
        title=title,
        detail=", ".join(parts),
        icon=icon,
    )
