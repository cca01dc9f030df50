"""Reads of the meal vouchers: the weekly sheet, the stock and its reconciliation, the
dashboard card and the resident's timeline. Each runs a fixed number of queries."""

import datetime
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Collate, Lower, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import may
from core.choices import choice_label
from harmreduction.models.common import WEEK, Setting, week_start
from harmreduction.models.vouchers import (
    MissedReason,
    VoucherDistribution,
    VoucherLedgerKind,
    VoucherLedgerLine,
    VoucherStatus,
    VoucherStock,
    euros,
)
from harmreduction.services.vouchers import week_is_open
from placements.models import Hotel, Placement
from residents import timeline
from residents.models import Resident
from residents.timeline import Days, Rows, TimelineEntry

# --- The weekly voucher sheet ---------------------------------------------------------------------


@dataclass
class SheetLine:
    """A person's line: their name, their room and hotel at their last stay of the week, and
    the week's rows (the active one, if any, and those corrected)."""

    resident_id: int
    nickname: str
    place_label: str
    hotel: Hotel  # its id and name only, one instance for the lines of a hotel
    active: VoucherDistribution | None = None
    corrections: list[VoucherDistribution] = field(default_factory=list)

    @property
    def is_given(self) -> bool:
        return self.active is not None and self.active.is_given

    @property
    def is_not_given(self) -> bool:
        return self.active is not None and not self.active.is_given


@dataclass(frozen=True)
class SheetTotals:
    """The counts of a whole sheet, which a page of it shows above its lines."""

    due: int = 0
    given: int = 0
    not_given: int = 0
    vouchers_given: int = 0
    value_given_cents: int = 0

    @classmethod
    def of(cls, lines: list[SheetLine]) -> "SheetTotals":
        given = [line.active for line in lines if line.is_given]
        return cls(
            due=len(lines),
            given=len(given),
            not_given=sum(line.is_not_given for line in lines),
            vouchers_given=sum(row.quantity for row in given),
            value_given_cents=sum(row.value_cents for row in given),
        )


@dataclass
class VoucherSheet:
    week: datetime.date
    lines: list[SheetLine]  # every line, or the lines of the page shown (`voucher_sheet_page`)
    totals: SheetTotals
    is_open: bool
    per_week: int
    unit_value_cents: int

    @property
    def sunday(self) -> datetime.date:
        return self.week + datetime.timedelta(days=6)

    @property
    def due(self) -> int:
        return self.totals.due

    @property
    def given(self) -> int:
        return self.totals.given

    @property
    def not_given(self) -> int:
        return self.totals.not_given

    @property
    def to_do(self) -> int:
        return self.due - self.given - self.not_given

    @property
    def vouchers_given(self) -> int:
        return self.totals.vouchers_given

    @property
    def value_given(self) -> str:
        return euros(self.totals.value_given_cents)

    @property
    def amount_due(self) -> str:
        return euros(self.per_week * self.unit_value_cents)


# What a line of the sheet shows: hundreds of lines at the scale of the whole scheme, so the
# queries read these columns only, and build no stay, person, place or hotel.
SHEET_STAY_COLUMNS = (
    "resident_id",
    "resident__nickname",
    "place__room",
    "place__bed",
    "place__hotel_id",
    "place__hotel__name",
)
# The sheet's order: hotel, floor (none last), room, bed, name. Compared code point by code point
# (the "C" collation), as Python compared them when the sheet was sorted in memory, whatever the
# database's collation.
SHEET_ORDER = (
    Collate("place__hotel__name", "C"),
    "place__hotel_id",
    Coalesce("place__floor", 99),
    Collate("place__room", "C"),
    Collate("place__bed", "C"),
    Collate(Lower("resident__nickname"), "C"),
    "resident_id",
)


SHEET_TOTALS_COLUMNS = ("due", "given", "not_given", "vouchers_given", "value_given_cents")
# Who recorded or corrected a row: what `User.__str__` shows. In the model's order of fields, as
# `Model.from_db` takes the values of some of them.
USER_COLUMNS = ("id", "username", "first_name", "last_name")
DATABASE = "default"


def housed_during(week: datetime.date):
    """The stays overlapping the ISO week starting on `week`."""
    return Placement.objects.overlapping(week, week + WEEK)


def _housed(week: datetime.date, *, hotel=None, resident=None):
    stays = housed_during(week)
    if hotel is not None:
        stays = stays.filter(place__hotel=hotel)  # a hotel or its id
    if resident is not None:
        stays = stays.filter(resident=resident)
    return stays


def sheet_stays(week: datetime.date, *, hotel=None, resident=None):
    """The stay of each line of the sheet, in the sheet's order: everyone housed during `week`
    once, at their last stay of the week (their last at `hotel` if given), as the tuples of
    `SHEET_STAY_COLUMNS`."""
    latest = (
        _housed(week, hotel=hotel, resident=resident)
        .order_by("resident_id", "-start", "-pk")
        .distinct("resident_id")
        .values("pk")
    )
    return (
        Placement.objects.filter(pk__in=latest)
        .order_by(*SHEET_ORDER)
        .values_list(*SHEET_STAY_COLUMNS)
    )


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The statements of the sheet's page, built once per week and hotel by the ORM (which takes
# ~0.5-1.5 ms of CPU to build each, more than the database takes to run it) and kept for the
# process. Only the statements are kept, never what they read: each call asks the database.
# A week and a hotel are a few dozen keys.


@functools.lru_cache(maxsize=64)
def _sheet_totals_sql(week: datetime.date, hotel_id: int | None) -> tuple[str, tuple]:
    """The people housed, each with the week's active row if any (at most one), counted."""
    row = FilteredRelation(
        "voucher_distributions",
        condition=Q(voucher_distributions__week=week, voucher_distributions__cancelled_at=None),
    )
    given = Q(row__status=VoucherStatus.GIVEN)
    counts = (
        Resident.objects.filter(pk__in=_housed(week, hotel=hotel_id).values("resident_id"))
        .annotate(row=row)
        .order_by()
        # One group for every person: a constant is left out of GROUP BY, one row comes back.
        .annotate(everyone=Value(1))
        .values("everyone")
        .annotate(
            due=Count("pk"),
            given=Count("row", filter=given),
            not_given=Count("row", filter=Q(row__status=VoucherStatus.NOT_GIVEN)),
            vouchers_given=Sum("row__quantity", filter=given, default=0),
            value_given_cents=Sum(
                F("row__quantity") * F("row__unit_value_cents"), filter=given, default=0
            ),
        )
        .values_list(*SHEET_TOTALS_COLUMNS)
    )
    return counts.query.sql_with_params()


def sheet_totals(week: datetime.date, *, hotel=None) -> SheetTotals:
    """The counts of the sheet of `week` (of `hotel` if given), counted by the database. One
    query."""
    (counts,) = _rows(*_sheet_totals_sql(week, hotel and _pk(hotel)))
    return SheetTotals(**dict(zip(SHEET_TOTALS_COLUMNS, counts, strict=True)))


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


@functools.lru_cache(maxsize=64)
def _sheet_stays_sql(week: datetime.date, hotel_id: int | None) -> tuple[str, tuple]:
    sql, params = sheet_stays(week, hotel=hotel_id).query.sql_with_params()
    return f"{sql} LIMIT %s OFFSET %s", params


def sheet_stays_slice(week: datetime.date, *, hotel=None, offset: int, limit: int) -> list[tuple]:
    """`sheet_stays` from `offset`, `limit` of them. One query."""
    sql, params = _sheet_stays_sql(week, hotel and _pk(hotel))
    return _rows(sql, (*params, limit, offset))


def _sheet_lines(week: datetime.date, stays) -> list[SheetLine]:
    """A line for each of `stays` (in their order) with its week's active row and any corrected
    one. One query for the rows, whatever the number of lines."""
    room = _("Room %(room)s%(bed)s")  # `Place.label`, translated once for all the lines
    hotels: dict[int, Hotel] = {}
    lines = {}
    for resident_id, nickname, room_number, bed, hotel_id, hotel_name in stays:
        if hotel_id not in hotels:
            hotels[hotel_id] = Hotel(pk=hotel_id, name=hotel_name)
        lines[resident_id] = SheetLine(
            resident_id=resident_id,
            nickname=nickname,
            place_label=room % {"room": room_number, "bed": f" {bed}" if bed else ""},
            hotel=hotels[hotel_id],
        )
    if not lines:
        return []
    users: dict[int, User] = {}

    def user(pk: int, names: tuple) -> User:
        if pk not in users:
            users[pk] = User.from_db(DATABASE, USER_COLUMNS, (pk, *names))
        return users[pk]

    sql, row_columns = _week_rows_sql()
    width = len(row_columns)
    for values in _rows(sql, (week, list(lines))):
        row = VoucherDistribution.from_db(DATABASE, row_columns, values[:width])
        row.recorded_by = user(row.recorded_by_id, values[width : width + 3])
        if row.cancelled_by_id is not None:
            row.cancelled_by = user(row.cancelled_by_id, values[width + 3 :])
        line = lines[row.resident_id]
        if row.cancelled_at is None:
            line.active = row
        else:
            line.corrections.append(row)
    return list(lines.values())


@functools.cache
def _week_rows_sql() -> tuple[str, tuple[str, ...]]:
    """The rows of a week for some people (`%s`: the week, then an array of their ids), with
    the names of who recorded and who corrected each, in the order they were recorded; and the
    rows' columns. Written out rather than built by the ORM on every page (~1 ms of CPU, and a
    model instance for each author of each row)."""
    table = VoucherDistribution._meta.db_table
    columns = tuple(field.attname for field in VoucherDistribution._meta.concrete_fields)
    selected = [f'd."{column}"' for column in columns] + [
        f'{user}."{column}"' for user in ("r", "c") for column in USER_COLUMNS[1:]
    ]
    users = User._meta.db_table
    sql = (
        f"SELECT {', '.join(selected)} "
        f'FROM "{table}" d '
        f'INNER JOIN "{users}" r ON r."id" = d."recorded_by_id" '
        f'LEFT OUTER JOIN "{users}" c ON c."id" = d."cancelled_by_id" '
        'WHERE d."week" = %s AND d."resident_id" = ANY(%s) '
        'ORDER BY d."recorded_at", d."id"'
    )
    return sql, columns


def voucher_sheet(
    week: datetime.date,
    *,
    per_week: int,
    unit_value_cents: int,
    hotel=None,
    resident=None,
    today: datetime.date | None = None,
) -> VoucherSheet:
    """Every line of the sheet of `week` (or only `resident`'s), for the sheet to print and a
    line redrawn after a change. Two queries, whatever the number of people."""
    lines = _sheet_lines(week, sheet_stays(week, hotel=hotel, resident=resident))
    return VoucherSheet(
        week=week,
        lines=lines,
        totals=SheetTotals.of(lines),
        is_open=week_is_open(week, today or timezone.localdate()),
        per_week=per_week,
        unit_value_cents=unit_value_cents,
    )


def voucher_sheet_page(
    week: datetime.date,
    *,
    page_number,
    per_page: int,
    per_week: int,
    unit_value_cents: int,
    hotel=None,
    today: datetime.date | None = None,
) -> tuple[VoucherSheet, Page]:
    """The page `page_number` of the sheet (a bad or out-of-range number gives the last page)
    and the whole sheet's counts: the database counts, sorts and pages, and only the lines shown
    are built. Three queries, whatever the number of people: the counts, the page's stays and
    their rows of the week."""
    totals = sheet_totals(week, hotel=hotel)
    # One line per person housed: the paginator numbers the pages from the totals' count.
    paginator = Paginator(range(totals.due), per_page)
    page = paginator.get_page(page_number)
    page.object_list = _sheet_lines(
        week,
        sheet_stays_slice(week, hotel=hotel, offset=(page.number - 1) * per_page, limit=per_page),
    )
    sheet = VoucherSheet(
        week=week,
        lines=page.object_list,
        totals=totals,
        is_open=week_is_open(week, today or timezone.localdate()),
        per_week=per_week,
        unit_value_cents=unit_value_cents,
    )
    return sheet, page


def residents_still_due(week: datetime.date, *, hotel=None) -> int:
    """How many people housed during `week` have not been given its vouchers yet. One query."""
    ((count,),) = _rows(*_still_due_sql(week, hotel and _pk(hotel)))
    return count


@functools.lru_cache(maxsize=64)
def _still_due_sql(week: datetime.date, hotel_id: int | None) -> tuple[str, tuple]:
    given = VoucherDistribution.objects.given().filter(week=week, resident=OuterRef("resident"))
    stays = _housed(week, hotel=hotel_id).filter(~Exists(given)).values("resident").distinct()
    sql, params = stays.query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) still_due", params


class HotelOption(NamedTuple):
    pk: int
    name: str


def sheet_hotels(week: datetime.date) -> list[HotelOption]:
    """The hotels where someone was housed during `week`, by name: the sheet's filter. One
    query."""
    return [HotelOption(*row) for row in _rows(*_sheet_hotels_sql(week))]


@functools.lru_cache(maxsize=16)
def _sheet_hotels_sql(week: datetime.date) -> tuple[str, tuple]:
    hotels = (
        Hotel.objects.filter(pk__in=housed_during(week).values("place__hotel_id"))
        .order_by("name")
        .values_list("pk", "name")
    )
    return hotels.query.sql_with_params()


# --- Voucher stock and reconciliation -------------------------------------------------------------


def voucher_balance() -> int:
    stock = VoucherStock.objects.filter(pk=1).first()
    return stock.balance if stock else 0


@dataclass(frozen=True)
class VoucherCover:
    """How long the voucher stock lasts at the current rate: the people housed this week, each
    due `per_week` vouchers (they are unconditional, so what is due is what goes out)."""

    balance: int
    housed: int
    per_week: int
    low_weeks: int  # below this many weeks of cover the stock is low (0: never)

    @property
    def weekly_rate(self) -> int:
        return self.housed * self.per_week

    @property
    def weeks(self) -> int | None:
        """Whole weeks covered; None when nobody is housed (the stock is not used)."""
        return self.balance // self.weekly_rate if self.weekly_rate else None

    @property
    def threshold(self) -> int:
        return self.low_weeks * self.weekly_rate

    @property
    def is_low(self) -> bool:
        return self.threshold > 0 and self.balance < self.threshold


def voucher_cover(today: datetime.date | None = None) -> VoucherCover:
    """The voucher stock against this week's rate. Two queries."""
    week = week_start(today or timezone.localdate())
    return VoucherCover(
        balance=voucher_balance(),
        housed=housed_during(week).values("resident").distinct().count(),
        per_week=settings.VOUCHERS_PER_WEEK,
        low_weeks=settings.VOUCHER_LOW_STOCK_WEEKS,
    )


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


# --- Dashboard card -------------------------------------------------------------------------------


def voucher_card(request) -> dict | None:
    if not may(request.user, "harmreduction.give"):
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


def voucher_low_stock_card(request) -> dict | None:
    """The voucher stock below its weeks of cover, for those who watch the stocks."""
    if not may(request.user, "harmreduction.watch_stock"):
        return None
    cover = voucher_cover()
    return {"cover": cover} if cover.is_low else None


# --- The resident's timeline ----------------------------------------------------------------------


@timeline.reads("harmreduction.VoucherDistribution", "accounts.User")
def voucher_entries(resident, user) -> list[Days]:
    """Each week's vouchers, given (when recorded) or not (at the end of the week); a corrected
    line is left out. Read with the other sources' days, then the rows shown."""
    active = resident.voucher_distributions.active()
    rows = Rows(active.select_related("recorded_by"))
    given = Q(status=VoucherStatus.GIVEN)
    return [
        Days(active.filter(given), "recorded_at", "vouchers", _voucher_entry, rows),
        Days(
            active.exclude(given),
            "week",
            "vouchers",
            _voucher_entry,
            rows,
            shift=datetime.timedelta(days=6),
        ),
    ]


def _voucher_entry(row: VoucherDistribution) -> TimelineEntry:
    number = row.week.isocalendar().week
    if row.is_given:
        title = _("Meal vouchers of week %(number)s given") % {"number": number}
        detail = _("%(count)s vouchers (%(value)s), %(where)s, by %(by)s") % {
            "count": row.quantity,
            "value": row.value_display,
            "where": choice_label(Setting, row.given_where).lower(),
            "by": row.recorded_by,
        }
        at, icon = row.recorded_at, "ticket-perforated"
    else:
        title = _("Meal vouchers of week %(number)s not given") % {"number": number}
        detail = choice_label(MissedReason, row.missed_reason) + (
            f" – {row.missed_note}" if row.missed_note else ""
        )
        at, icon = row.week + datetime.timedelta(days=6), "ticket"
    return TimelineEntry(
        at=at,
        kind="vouchers",
        title=title,
        detail=detail,
        url=f"{reverse('harmreduction:voucher_week')}?semaine={row.week.isoformat()}",
        icon=icon,
    )
