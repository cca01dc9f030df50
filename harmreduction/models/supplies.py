"""Harm-reduction material: the catalogue, the stock locations, the stock ledger and its counts,
the material handed out (naloxone kits included) and the low-stock alerts."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_FILE_HISTORY
from core.audit import audited
from harmreduction.models.common import Setting

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

    history_names = True

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
    dated = models.BooleanField(
        _("dated"),
        default=False,
        help_text=_(
            "Each delivery must give its batch's expiry date (naloxone); the stock page shows "
            "what expires soon."
        ),
    )

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

    history_names = True

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
            # The worker's last handout, for the visit form's default bag (extensions.py).
            models.Index(fields=["given_by", "-given_at"], name="supply_distribution_given_by"),
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
    # A delivery's batch: on receipts only (a transfer or a handout does not say which batch).
    batch = models.CharField(_("batch number"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["location", "-at"], name="stock_movement_location_at"),
            models.Index(
                fields=["item", "-expires_on"],
                condition=Q(expires_on__isnull=False),
                name="stock_movement_dated_batches",
            ),
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
                condition=Q(kind="receipt") | Q(batch="", expires_on__isnull=True),
                name="stock_batch_on_receipts_only",
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


@audited()
class ExpiryAlert(models.Model):
    """A batch in stock noticed within the expiry warning window: recorded once, so that the
    daily e-mail announces each batch once, not every morning until it expires."""

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    batch = models.CharField(_("batch number"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"))
    quantity = models.PositiveIntegerField(_("in stock when noticed"))
    noticed_at = models.DateTimeField(_("noticed at"), default=timezone.now)

    class Meta:
        verbose_name = _("expiry alert")
        verbose_name_plural = _("expiry alerts")
        ordering = ["expires_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "batch", "expires_on"], name="stock_one_expiry_alert_per_batch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.batch} – {self.expires_on}"
