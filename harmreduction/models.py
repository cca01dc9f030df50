"""Weekly meal vouchers and harm-reduction supplies.

Two stocks, each kept as a ledger: every unit in or out is a line, and a running balance row
(`VoucherStock`, `StockLevel`) that a database CHECK keeps at zero or above. Workflows that move
stock lock the balance rows first (see `harmreduction.services`), so two workers giving out the
last units at the same moment are served one after the other: the second one reads the balance
the first one left and gets a French message instead of a negative stock.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_FILE_HISTORY
from core.audit import audited
from core.validators import FUTURE_DATE, not_in_the_future

WEEK = datetime.timedelta(days=7)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week of `day`."""
    return day - datetime.timedelta(days=day.weekday())


def euros(cents: int) -> str:
    """An amount in cents as French-style euros: 3500 -> "35,00 €"."""
    return f"{cents // 100},{cents % 100:02d} €"


class Setting(models.TextChoices):
    """Where something was handed out."""

    VISIT = "visit", _("During a home visit")
    OFFICE = "office", _("At the office")


# --- Meal vouchers ----------------------------------------------------------------------------


class VoucherStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    NOT_GIVEN = "not_given", _("Not given")


class MissedReason(models.TextChoices):
    """Why a week's vouchers were not handed out: a fact to record, never a sanction."""

    ABSENT = "absent", _("Absent")
    HOSPITAL = "hospital", _("In hospital")
    PRISON = "prison", _("In prison")
    REFUSED = "refused", _("Refused")
    AWAY = "away", _("Away (travel, family)")
    OTHER = "other", _("Other")


class CancelKind(models.TextChoices):
    CORRECTION = "correction", _("Correction (ticked by mistake)")
    CAUGHT_UP = "caught_up", _("Caught up later")


class VoucherDistributionQuerySet(models.QuerySet):
    def active(self):
        """The rows that count: neither corrected nor replaced by a catch-up."""
        return self.filter(cancelled_at__isnull=True)

    def given(self):
        return self.active().filter(status=VoucherStatus.GIVEN)


@audited(readers=CASE_FILE_HISTORY)
class VoucherDistribution(models.Model):
    """A resident's meal vouchers for one ISO week: given (who, when, where) or not given (why).

    Rows are never deleted. Unticking a line by mistake cancels it (who, when); a week first
    recorded as not given and caught up later is cancelled as "caught up" and a new row records
    the handing out. At most one active row per person and week: a database constraint.
    """

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="voucher_distributions",
        verbose_name=_("resident"),
    )
    week = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    status = models.CharField(_("status"), max_length=10, choices=VoucherStatus.choices)
    quantity = models.PositiveSmallIntegerField(_("vouchers"))
    unit_value_cents = models.PositiveIntegerField(_("value of a voucher (cents)"))
    given_where = models.CharField(_("where"), max_length=8, choices=Setting.choices, blank=True)
    visit = models.ForeignKey(
        "visits.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher_distributions",
        verbose_name=_("home visit"),
    )
    missed_reason = models.CharField(
        _("reason"), max_length=10, choices=MissedReason.choices, blank=True
    )
    missed_note = models.CharField(_("comment"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_kind = models.CharField(
        _("cancelled because"), max_length=10, choices=CancelKind.choices, blank=True
    )

    objects = VoucherDistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly voucher distribution")
        verbose_name_plural = _("weekly voucher distributions")
        ordering = ["-week", "resident__nickname", "-pk"]
        indexes = [models.Index(fields=["week", "resident"], name="voucher_week_resident")]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "week"],
                condition=Q(cancelled_at__isnull=True),
                name="voucher_one_per_resident_per_week",
                violation_error_message=_("This week is already recorded for this person."),
            ),
            models.CheckConstraint(
                condition=Q(week__iso_week_day=1), name="voucher_week_is_a_monday"
            ),
            models.CheckConstraint(
                condition=(Q(status="given", missed_reason="", quantity__gt=0) & ~Q(given_where=""))
                | (
                    Q(status="not_given", given_where="", visit__isnull=True) & ~Q(missed_reason="")
                ),
                name="voucher_given_where_or_missed_why",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancelled_by__isnull=True, cancel_kind="")
                | (Q(cancelled_at__isnull=False, cancelled_by__isnull=False) & ~Q(cancel_kind="")),
                name="voucher_cancelled_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.week}"

    @property
    def is_given(self) -> bool:
        return self.status == VoucherStatus.GIVEN

    @property
    def value_cents(self) -> int:
        return self.quantity * self.unit_value_cents if self.is_given else 0

    @property
    def value_display(self) -> str:
        return euros(self.quantity * self.unit_value_cents)

    @property
    def is_catch_up(self) -> bool:
        """Given after the end of its week."""
        return self.is_given and timezone.localdate(self.recorded_at) >= self.week + WEEK


@audited()
class VoucherStock(models.Model):
    """The running balance of vouchers in the office safe: one row, never below zero."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    balance = models.IntegerField(_("vouchers in stock"), default=0)

    class Meta:
        verbose_name = _("voucher stock")
        verbose_name_plural = _("voucher stock")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="voucher_stock_single_row"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="voucher_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return str(self.balance)


class VoucherLedgerKind(models.TextChoices):
    RECEIPT = "receipt", _("Received from the funder")
    DISTRIBUTION = "distribution", _("Given out")
    CORRECTION = "correction", _("Back in stock (correction)")
    LOST = "lost", _("Lost")
    RETURNED = "returned", _("Returned to the funder")


VOUCHER_KINDS_IN = frozenset({VoucherLedgerKind.RECEIPT, VoucherLedgerKind.CORRECTION})


@audited()
class VoucherLedgerLine(models.Model):
    """One movement of vouchers in or out of stock, with the balance it left."""

    kind = models.CharField(_("movement"), max_length=12, choices=VoucherLedgerKind.choices)
    quantity = models.IntegerField(_("vouchers"), help_text=_("Positive in, negative out."))
    balance_after = models.IntegerField(_("balance after"))
    on = models.DateField(_("date"), default=timezone.localdate)
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    series = models.CharField(
        _("series numbers"),
        max_length=200,
        blank=True,
        help_text=_("Optional: the numbers printed on the booklets, e.g. 120401–120450."),
    )
    note = models.CharField(_("comment"), max_length=200, blank=True)
    distribution = models.ForeignKey(
        VoucherDistribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_lines",
        verbose_name=_("weekly voucher distribution"),
    )

    class Meta:
        verbose_name = _("voucher stock movement")
        verbose_name_plural = _("voucher stock movements")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["on"], name="voucher_ledger_on")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["receipt", "correction"]) & Q(quantity__gt=0))
                | (Q(kind__in=["distribution", "lost", "returned"]) & Q(quantity__lt=0)),
                name="voucher_ledger_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="voucher_ledger_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["distribution", "correction"], distribution__isnull=False)
                | (~Q(kind__in=["distribution", "correction"]) & Q(distribution__isnull=True)),
                name="voucher_ledger_distribution_lines_name_it",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d}"


# --- The harm-reduction catalogue --------------------------------------------------------------


class Category(models.TextChoices):
    """In the order the pages and the report list them."""

    INJECTION = "injection", _("Injection")
    INHALATION = "inhalation", _("Inhalation")
    SNIFF = "sniff", _("Sniffing")
    SEXUALITY = "sexuality", _("Sexual health")
    NALOXONE = "naloxone", _("Naloxone")
    COLLECTION = "collection", _("Collection of used material")
    HYGIENE = "hygiene", _("Hygiene")
    ANALYSIS = "analysis", _("Drug checking")


CATEGORY_ORDER = {value: index for index, value in enumerate(Category.values)}


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    KIT = "kit", _("kit")
    BOOKLET = "booklet", _("booklet")
    BOX = "box", _("box")


class ItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def in_catalogue_order(self):
        """By category (in the order of `Category`), then position and name."""
        order = models.Case(
            *(models.When(category=value, then=index) for value, index in CATEGORY_ORDER.items()),
            output_field=models.IntegerField(),
        )
        return self.order_by(order, "position", "name")


@audited()
class Item(models.Model):
    """A kind of material in the catalogue (data the coordinator edits)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Order within the category (smallest first).")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive item is no longer offered.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("harm-reduction item")
        verbose_name_plural = _("harm-reduction items")
        ordering = ["category", "position", "name"]

    def __str__(self) -> str:
        return self.name


class LocationKind(models.TextChoices):
    OFFICE = "office", _("Office")
    VISIT_BAG = "visit_bag", _("Visit bag")


class LocationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


@audited()
class Location(models.Model):
    """Where material is kept: the office, or a team's visit bag."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=LocationKind.choices, default=LocationKind.VISIT_BAG
    )
    active = models.BooleanField(_("active"), default=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("harmreduction:location_detail", args=[self.pk])


@audited()
class StockLevel(models.Model):
    """How many units of an item a location holds: the running balance of its ledger lines.

    Never below zero (a CHECK); `threshold` is the low-stock level (0: no alert).
    """

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="levels", verbose_name=_("location")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="levels", verbose_name=_("item")
    )
    quantity = models.IntegerField(_("in stock"), default=0)
    threshold = models.PositiveIntegerField(
        _("low-stock threshold"),
        default=0,
        help_text=_("Coordinators are told when the stock falls below it. 0: never."),
    )

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["location", "item"]
        constraints = [
            models.UniqueConstraint(fields=["location", "item"], name="stock_one_level_per_item"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="stock_not_negative",
                violation_error_message=_("The stock cannot go below zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} – {self.item}: {self.quantity}"

    @property
    def is_low(self) -> bool:
        return self.threshold > 0 and self.quantity < self.threshold


@audited()
class InventoryCount(models.Model):
    """A count of a location's stock: each line records what was expected and what was found."""

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="counts", verbose_name=_("location")
    )
    counted_at = models.DateTimeField(_("counted at"), default=timezone.now)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counted by"),
    )
    note = models.CharField(_("comment"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-counted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.location} – {self.counted_at:%Y-%m-%d}"


@audited()
class InventoryLine(models.Model):
    count = models.ForeignKey(
        InventoryCount, on_delete=models.PROTECT, related_name="lines", verbose_name=_("count")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    expected = models.IntegerField(_("expected"))
    counted = models.PositiveIntegerField(_("counted"))

    class Meta:
        verbose_name = _("counted item")
        verbose_name_plural = _("counted items")
        ordering = ["count", "item"]
        constraints = [
            models.UniqueConstraint(fields=["count", "item"], name="inventory_one_line_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.counted}"

    @property
    def difference(self) -> int:
        return self.counted - self.expected


# --- Handing out material ------------------------------------------------------------------------


@audited(readers=CASE_FILE_HISTORY)
class SupplyDistribution(models.Model):
    """Material handed out at once, to a resident or to someone anonymous (counted, not named)."""

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_distributions",
        verbose_name=_("resident"),
        help_text=_("Leave empty for someone who is not a resident: counted, not named."),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="distributions",
        verbose_name=_("taken from"),
    )
    setting = models.CharField(
        _("where"), max_length=8, choices=Setting.choices, default=Setting.OFFICE
    )
    visit = models.ForeignKey(
        "visits.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_distributions",
        verbose_name=_("home visit"),
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )

    class Meta:
        verbose_name = _("material handed out")
        verbose_name_plural = _("material handed out")
        ordering = ["-given_at", "-pk"]
        indexes = [
            models.Index(fields=["-given_at"], name="supply_distribution_at"),
            models.Index(fields=["resident", "-given_at"], name="supply_distribution_resident"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=True) | Q(setting="visit", resident__isnull=False),
                name="supply_visit_distribution_is_to_its_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident or _('anonymous')} – {self.given_at:%Y-%m-%d}"

    @property
    def is_anonymous(self) -> bool:
        return self.resident_id is None


@audited(readers=CASE_FILE_HISTORY)
class SupplyDistributionLine(models.Model):
    distribution = models.ForeignKey(
        SupplyDistribution,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("material handed out"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="distribution_lines", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("item handed out")
        verbose_name_plural = _("items handed out")
        ordering = ["distribution", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "item"], name="supply_one_line_per_item"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supply_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class NaloxoneTraining(models.TextChoices):
    NONE = "none", _("No training this time (already trained)")
    SHORT = "short", _("Short training (how to recognise an overdose, how to use the kit)")
    FULL = "full", _("Full training (overdose, recovery position, kit, calling 15)")


@audited(readers=CASE_FILE_HISTORY)
class NaloxoneKit(models.Model):
    """A naloxone kit handed out (Nyxoid, Prenoxad): the line of material, plus the training and
    the kit's expiry date when known, so that the team can offer a new one in time."""

    line = models.OneToOneField(
        SupplyDistributionLine,
        on_delete=models.PROTECT,
        related_name="naloxone_kit",
        verbose_name=_("item handed out"),
    )
    training = models.CharField(_("training given"), max_length=6, choices=NaloxoneTraining.choices)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    batch = models.CharField(_("batch number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("naloxone kit")
        verbose_name_plural = _("naloxone kits")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return str(self.line)

    @property
    def trained(self) -> bool:
        return self.training != NaloxoneTraining.NONE


# --- Stock movements ----------------------------------------------------------------------------


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Received")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")
    ADJUSTMENT = "adjustment", _("Adjustment")
    INVENTORY = "inventory", _("Count difference")
    DISTRIBUTION = "distribution", _("Handed out")


@audited()
class StockMovement(models.Model):
    """One ledger line: units of an item in (+) or out (-) of a location, and what was left."""

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="movements", verbose_name=_("location")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="movements", verbose_name=_("item")
    )
    kind = models.CharField(_("movement"), max_length=12, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Positive in, negative out."))
    balance_after = models.IntegerField(_("balance after"))
    at = models.DateTimeField(_("date and time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    counterpart = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from or to"),
    )
    distribution_line = models.OneToOneField(
        SupplyDistributionLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movement",
        verbose_name=_("item handed out"),
    )
    inventory_line = models.OneToOneField(
        InventoryLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movement",
        verbose_name=_("counted item"),
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["location", "-at"], name="stock_movement_location_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_movement_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="stock_movement_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["receipt", "transfer_in"]) & Q(quantity__gt=0))
                | (Q(kind__in=["transfer_out", "distribution"]) & Q(quantity__lt=0))
                | Q(kind__in=["adjustment", "inventory"]),
                name="stock_movement_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | ~Q(reason=""),
                name="stock_adjustment_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(kind="distribution", distribution_line__isnull=False)
                | (~Q(kind="distribution") & Q(distribution_line__isnull=True)),
                name="stock_distribution_names_its_line",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["transfer_in", "transfer_out"], counterpart__isnull=False)
                | (~Q(kind__in=["transfer_in", "transfer_out"]) & Q(counterpart__isnull=True)),
                name="stock_transfer_names_the_other_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} – {self.item} {self.quantity:+d}"


@audited()
class LowStockAlert(models.Model):
    """A stock level that fell below its threshold: recorded once per crossing.

    Open while the level stays below; closed (`resolved_at`) once it is back at or above the
    threshold, so that falling again makes a new alert — and a new e-mail.
    """

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.IntegerField(_("in stock when noticed"))
    threshold = models.PositiveIntegerField(_("low-stock threshold"))
    noticed_at = models.DateTimeField(_("noticed at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("back above at"), null=True, blank=True)

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        ordering = ["-noticed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "item"],
                condition=Q(resolved_at__isnull=True),
                name="stock_one_open_alert_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.location} – {self.item}"


# --- Collection, naloxone, advice, drug checking ---------------------------------------------


@audited()
class Collection(models.Model):
    """Used material collected: full sharps boxes (collecteurs DASRI) and loose items returned."""

    hotel = models.ForeignKey(
        "placements.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collections",
        verbose_name=_("hotel"),
        help_text=_("Leave empty for material brought back to the office."),
    )
    collected_on = models.DateField(_("date"), default=timezone.localdate)
    sharps_boxes = models.PositiveIntegerField(_("sharps boxes (DASRI)"), default=0)
    returned_items = models.PositiveIntegerField(
        _("used items returned"),
        default=0,
        help_text=_("Syringes, pipes and other used material brought back loose."),
    )
    note = models.CharField(_("comment"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("collection of used material")
        verbose_name_plural = _("collections of used material")
        ordering = ["-collected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sharps_boxes__gt=0) | Q(returned_items__gt=0),
                name="collection_counts_something",
                violation_error_message=_("Count at least one sharps box or one item."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.hotel or _('Office')} – {self.collected_on}"

    def clean(self):
        not_in_the_future(self.collected_on, field="collected_on")


class OverdoseOutcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered on site")
    HOSPITAL = "hospital", _("Taken to hospital")
    DIED = "died", _("Died")
    UNKNOWN = "unknown", _("Outcome unknown")


@audited(readers=CASE_FILE_HISTORY)
class Overdose(models.Model):
    """An overdose the team witnessed or was told about."""

    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    hotel = models.ForeignKey(
        "placements.Hotel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdoses",
        verbose_name=_("hotel"),
        help_text=_("Leave empty if it happened elsewhere."),
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdoses",
        verbose_name=_("resident"),
        help_text=_("Leave empty for someone who is not a resident."),
    )
    naloxone_used = models.BooleanField(_("naloxone used"), default=False)
    emergency_called = models.BooleanField(_("emergency services called (15)"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=OverdoseOutcome.choices)
    note = models.CharField(_("comment"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("overdose")
        verbose_name_plural = _("overdoses")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.occurred_on} – {self.get_outcome_display()}"

    def clean(self):
        not_in_the_future(self.occurred_on, field="occurred_on")


class AdviceTopic(models.TextChoices):
    SAFER_SMOKING = "safer_smoking", _("Safer smoking (crack)")
    SAFER_INJECTION = "safer_injection", _("Safer injection, veins and wounds")
    OVERDOSE = "overdose", _("Overdose prevention")
    MIXING = "mixing", _("Mixing products")
    INFECTIONS = "infections", _("HIV, hepatitis, screening")
    SEXUAL_HEALTH = "sexual_health", _("Sexual health")
    REDUCING = "reducing", _("Reducing or stopping")
    OTHER = "other", _("Other")


@audited(readers=CASE_FILE_HISTORY)
class AdviceSession(models.Model):
    """A harm-reduction talk with a person, on one topic."""

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advice_sessions",
        verbose_name=_("resident"),
        help_text=_("Leave empty for someone who is not a resident."),
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    topic = models.CharField(_("topic"), max_length=16, choices=AdviceTopic.choices)
    setting = models.CharField(
        _("where"), max_length=8, choices=Setting.choices, default=Setting.OFFICE
    )
    note = models.CharField(_("comment"), max_length=300, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("harm-reduction advice")
        verbose_name_plural = _("harm-reduction advice")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} – {self.get_topic_display()}"

    def clean(self):
        not_in_the_future(self.held_on, field="held_on")


class AnalysisNetwork(models.TextChoices):
    SINTES = "sintes", _("SINTES (OFDT)")
    ANALYSE_TON_PROD = "atp", _("Analyse ton prod'")
    OTHER_LAB = "other_lab", _("Another laboratory")


class SampleQuerySet(models.QuerySet):
    def awaiting_result(self):
        return self.filter(result_on__isnull=True)

    def unexpected_since(self, day: datetime.date):
        return self.filter(result_unexpected=True, result_on__gte=day)


@audited(readers=CASE_FILE_HISTORY)
class Sample(models.Model):
    """A product sample collected from a resident and sent for analysis (drug checking)."""

    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="samples",
        verbose_name=_("resident"),
    )
    collected_on = models.DateField(_("collected on"), default=timezone.localdate)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("collected by"),
    )
    presumed_product = models.CharField(_("presumed product"), max_length=80)
    description = models.CharField(
        _("what the person says about it"),
        max_length=300,
        blank=True,
        help_text=_("Where it was bought, effects felt, why analyse it."),
    )
    network = models.CharField(
        _("analysis network"), max_length=10, choices=AnalysisNetwork.choices
    )
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    result_on = models.DateField(_("result received on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    result_unexpected = models.BooleanField(
        _("unexpected result"),
        default=False,
        help_text=_(
            "Another product than expected, a dangerous cut or an unusual strength: the whole "
            "team is alerted."
        ),
    )
    returned_on = models.DateField(_("result given to the person on"), null=True, blank=True)
    alert_sent_at = models.DateTimeField(_("team alerted at"), null=True, blank=True)

    objects = SampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sample for analysis")
        verbose_name_plural = _("samples for analysis")
        ordering = ["-collected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | Q(sent_on__gte=F("collected_on")),
                name="sample_sent_after_collected",
                violation_error_message=_("A sample cannot be sent before it was collected."),
            ),
            models.CheckConstraint(
                condition=Q(result_on__isnull=True)
                | (Q(sent_on__isnull=False) & Q(result_on__gte=F("sent_on"))),
                name="sample_result_after_sent",
                violation_error_message=_("A result comes back after the sample was sent."),
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True)
                | (Q(result_on__isnull=False) & Q(returned_on__gte=F("result_on"))),
                name="sample_returned_after_result",
                violation_error_message=_("The result is given to the person after it came back."),
            ),
            models.CheckConstraint(
                condition=Q(result_unexpected=False) | Q(result_on__isnull=False),
                name="sample_unexpected_only_with_a_result",
                violation_error_message=_("Only a result can be unexpected."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.presumed_product} – {self.collected_on}"

    def get_absolute_url(self) -> str:
        return reverse("harmreduction:sample_detail", args=[self.pk])

    @property
    def stage(self) -> str:
        if self.returned_on:
            return _("Result given to the person")
        if self.result_on:
            return _("Result received")
        if self.sent_on:
            return _("Sent, awaiting the result")
        return _("Collected, to send")

    def clean(self):
        today = timezone.localdate()
        errors = {}
        for name in ("collected_on", "sent_on", "result_on", "returned_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = FUTURE_DATE
        if self.result_on and not self.result.strip():
            errors["result"] = _("Write the result that came back.")
        if self.result.strip() and not self.result_on:
            errors["result_on"] = _("Give the date the result came back.")
        if errors:
            raise ValidationError(errors)
