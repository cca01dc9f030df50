"""Reads that need care: the weekly voucher sheet, the stock pages, the reconciliation, the
dashboard cards and the resident timeline. Each runs a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CARE_TEAM, STAFF, Role
from harmreduction.models import (
    CATEGORY_ORDER,
    WEEK,
    Category,
    Item,
    Location,
    NaloxoneKit,
    Sample,
    StockLevel,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
    VoucherLedgerKind,
    VoucherLedgerLine,
    VoucherStatus,
    VoucherStock,
    euros,
    week_start,
)
from harmreduction.services import week_is_open
from placements.models import Placement
from residents.models import open_file
from residents.timeline import TimelineEntry

UNEXPECTED_RESULT_DAYS = 30  # how long an unexpected analysis result stays on the dashboards


# --- The weekly voucher sheet ---------------------------------------------------------------------


@dataclass
class SheetLine:
    placement: Placement
    active: VoucherDistribution | None = None
    corrections: list[VoucherDistribution] = field(default_factory=list)

    @property
    def resident(self):
        return self.placement.resident

    @property
    def hotel(self):
        return self.placement.place.hotel

    @property
    def is_given(self) -> bool:
        return self.active is not None and self.active.is_given

    @property
    def is_not_given(self) -> bool:
        return self.active is not None and not self.active.is_given


@dataclass
class VoucherSheet:
    week: datetime.date
    lines: list[SheetLine]
    is_open: bool
    per_week: int
    unit_value_cents: int

    @property
    def sunday(self) -> datetime.date:
        return self.week + datetime.timedelta(days=6)

    @property
    def due(self) -> int:
        return len(self.lines)

    @property
    def given(self) -> int:
        return sum(line.is_given for line in self.lines)

    @property
    def not_given(self) -> int:
        return sum(line.is_not_given for line in self.lines)

    @property
    def to_do(self) -> int:
        return self.due - self.given - self.not_given

    @property
    def vouchers_given(self) -> int:
        return sum(line.active.quantity for line in self.lines if line.is_given)

    @property
    def value_given(self) -> str:
        return euros(sum(line.active.value_cents for line in self.lines if line.is_given))

    @property
    def amount_due(self) -> str:
        return euros(self.per_week * self.unit_value_cents)


# What a line of the sheet shows: hundreds of lines at the scale of the whole scheme, so the
# queries load these columns only.
SHEET_STAY_FIELDS = (
    "resident_id",
    "place_id",
    "start",
    "end",
    "resident__nickname",
    "place__room",
    "place__bed",
    "place__floor",
    "place__hotel__name",
)
USER_UNUSED = ("password", "last_login", "email", "date_joined", "is_staff", "is_superuser")


def housed_during(week: datetime.date):
    """The stays overlapping the ISO week starting on `week`."""
    return Placement.objects.overlapping(week, week + WEEK)


def voucher_sheet(
    week: datetime.date,
    *,
    per_week: int,
    unit_value_cents: int,
    hotel=None,
    resident=None,
    today: datetime.date | None = None,
) -> VoucherSheet:
    """Every resident housed during `week` (one line each, at their last hotel of the week, or
    at `hotel`; or only `resident`), with the week's active row and any corrected one. Two
    queries, whatever the number of people."""
    today = today or timezone.localdate()
    stays = housed_during(week).select_related("resident", "place__hotel").only(*SHEET_STAY_FIELDS)
    if hotel is not None:
        stays = stays.filter(place__hotel=hotel)
    if resident is not None:
        stays = stays.filter(resident=resident)
    latest: dict[int, Placement] = {}
    for stay in stays.order_by("start", "pk"):
        latest[stay.resident_id] = stay
    lines = {resident_id: SheetLine(stay) for resident_id, stay in latest.items()}
    rows = (
        VoucherDistribution.objects.filter(week=week, resident_id__in=list(lines))
        .select_related("recorded_by", "cancelled_by")
        .defer(
            *(f"{user}__{name}" for user in ("recorded_by", "cancelled_by") for name in USER_UNUSED)
        )
        .order_by("recorded_at", "pk")
    )
    for row in rows:
        line = lines[row.resident_id]
        if row.cancelled_at is None:
            line.active = row
        else:
            line.corrections.append(row)
    ordered = sorted(
        lines.values(),
        key=lambda line: (
            line.hotel.name,
            line.placement.place.floor if line.placement.place.floor is not None else 99,
            line.placement.place.room,
            line.placement.place.bed,
            line.resident.nickname.lower(),
        ),
    )
    return VoucherSheet(
        week=week,
        lines=ordered,
        is_open=week_is_open(week, today),
        per_week=per_week,
        unit_value_cents=unit_value_cents,
    )


def residents_still_due(week: datetime.date, *, hotel=None) -> int:
    """How many people housed during `week` have not been given its vouchers yet. One query."""
    given = VoucherDistribution.objects.given().filter(week=week, resident=OuterRef("resident"))
    stays = housed_during(week)
    if hotel is not None:
        stays = stays.filter(place__hotel=hotel)
    return stays.filter(~Exists(given)).values("resident").distinct().count()


# --- Voucher stock and reconciliation -------------------------------------------------------------


def voucher_balance() -> int:
    stock = VoucherStock.objects.filter(pk=1).first()
    return stock.balance if stock else 0


@dataclass
class ReconciliationMonth:
    month: datetime.date
    received: int = 0
    distributed: int = 0  # given out, net of the corrections that put vouchers back
    lost: int = 0
    returned: int = 0
    opening: int = 0

    @property
    def closing(self) -> int:
        return self.opening + self.received - self.distributed - self.lost - self.returned


def voucher_reconciliation(year: int) -> list[ReconciliationMonth]:
    """Each month of `year`: received, distributed, lost and returned, and the balance. Two
    queries: the balance before the year, then the year's movements by month and kind."""
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    opening = (
        VoucherLedgerLine.objects.filter(on__lt=start).aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    rows = (
        VoucherLedgerLine.objects.filter(on__gte=start, on__lt=end)
        .annotate(month=TruncMonth("on"))
        .values("month", "kind")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    months = {
        datetime.date(year, number, 1): ReconciliationMonth(datetime.date(year, number, 1))
        for number in range(1, 13)
    }
    for row in rows:
        month = months[row["month"]]
        total = row["total"]
        if row["kind"] == VoucherLedgerKind.RECEIPT:
            month.received += total
        elif row["kind"] in (VoucherLedgerKind.DISTRIBUTION, VoucherLedgerKind.CORRECTION):
            month.distributed -= total
        elif row["kind"] == VoucherLedgerKind.LOST:
            month.lost -= total
        else:
            month.returned -= total
    balance = opening
    for month in months.values():
        month.opening = balance
        balance = month.closing
    return list(months.values())


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


def distributions():
    """Material handed out, newest first, ready for a list: nothing more per row."""
    return (
        SupplyDistribution.objects.select_related("resident", "location", "given_by", "visit")
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


# --- Dashboard cards ------------------------------------------------------------------------------


def low_stock_card(request) -> dict | None:
    if not request.user.has_role(Role.COORDINATOR, Role.MANAGER):
        return None
    levels = list(low_levels()[:8])
    if not levels:
        return None
    return {"levels": levels, "count": low_levels().count() if len(levels) == 8 else len(levels)}


def sample_alert_card(request) -> dict | None:
    if not request.user.has_role(*STAFF):
        return None
    since = timezone.localdate() - datetime.timedelta(days=UNEXPECTED_RESULT_DAYS)
    samples = list(
        Sample.objects.unexpected_since(since).select_related("resident").order_by("-result_on")[:5]
    )
    if not samples:
        return None
    return {"samples": samples, "days": UNEXPECTED_RESULT_DAYS}


def voucher_card(request) -> dict | None:
    if not request.user.has_role(*CARE_TEAM):
        return None
    week = week_start(timezone.localdate())
    housed = housed_during(week).values("resident").distinct().count()
    if not housed:
        return None
    counts = (
        VoucherDistribution.objects.active()
        .filter(week=week)
        .aggregate(
            given=Count("pk", filter=Q(status=VoucherStatus.GIVEN)),
            not_given=Count("pk", filter=Q(status=VoucherStatus.NOT_GIVEN)),
        )
    )
    return {
        "week": week,
        "housed": housed,
        "given": counts["given"],
        "not_given": counts["not_given"],
        "to_do": max(housed - counts["given"] - counts["not_given"], 0),
        "last_week_due": residents_still_due(week - WEEK),
    }


# --- The resident's timeline ----------------------------------------------------------------------


def voucher_entries(resident, user) -> list[TimelineEntry]:
    """Each week's vouchers, given or not (a corrected line is left out). One query."""
    sheet_url = reverse("harmreduction:voucher_week")
    entries = []
    for row in resident.voucher_distributions.active().select_related("recorded_by"):
        number = row.week.isocalendar().week
        if row.is_given:
            title = _("Meal vouchers of week %(number)s given") % {"number": number}
            detail = _("%(count)s vouchers (%(value)s), %(where)s, by %(by)s") % {
                "count": row.quantity,
                "value": row.value_display,
                "where": row.get_given_where_display().lower(),
                "by": row.recorded_by,
            }
            at, icon = row.recorded_at, "ticket-perforated"
        else:
            title = _("Meal vouchers of week %(number)s not given") % {"number": number}
            detail = row.get_missed_reason_display() + (
                f" – {row.missed_note}" if row.missed_note else ""
            )
            at, icon = row.week + datetime.timedelta(days=6), "ticket"
        entries.append(
            TimelineEntry(
                at=at,
                kind="vouchers",
                title=title,
                detail=detail,
                url=f"{sheet_url}?semaine={row.week.isoformat()}",
                icon=icon,
            )
        )
    return entries


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


def advice_entries(resident, user) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=session.held_on,
            kind="advice",
            title=_("Harm-reduction advice: %(topic)s") % {"topic": session.get_topic_display()},
            detail=session.note,
            icon="chat-heart",
        )
        for session in resident.advice_sessions.all()
    ]


def sample_entries(resident, user) -> list[TimelineEntry]:
    entries = []
    for sample in resident.samples.all():
        url = reverse("harmreduction:sample_detail", args=[sample.pk])
        entries.append(
            TimelineEntry(
                at=sample.collected_on,
                kind="sample",
                title=_("Sample collected for analysis: %(product)s")
                % {"product": sample.presumed_product},
                detail=sample.get_network_display(),
                url=url,
                icon="eyedropper",
            )
        )
        if sample.result_on:
            entries.append(
                TimelineEntry(
                    at=sample.result_on,
                    kind="sample",
                    title=_("Unexpected analysis result")
                    if sample.result_unexpected
                    else _("Analysis result received"),
                    detail=sample.result[:160],
                    url=url,
                    icon="exclamation-triangle" if sample.result_unexpected else "clipboard-check",
                )
            )
    return entries


def overdose_entries(resident, user) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=overdose.occurred_on,
            kind="overdose",
            title=_("Overdose: %(outcome)s") % {"outcome": overdose.get_outcome_display().lower()},
            detail=_("naloxone used") if overdose.naloxone_used else "",
            icon="heartbreak",
        )
        for overdose in resident.overdoses.all()
    ]


TIMELINE_SOURCES = (
    voucher_entries,
    supply_entries,
    advice_entries,
    sample_entries,
    overdose_entries,
)
