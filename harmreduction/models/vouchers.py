"""Weekly meal vouchers: each resident's week (given, or not given and why), the stock of
vouchers in the office safe and its ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_FILE_HISTORY
from core.audit import audited
from harmreduction.models.common import WEEK, Setting


def euros(cents: int) -> str:
    """An amount in cents as French-style euros: 3500 -> "35,00 €"."""
    return f"{cents // 100},{cents % 100:02d} €"


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


@audited()
class VoucherLowStockAlert(models.Model):
    """The voucher stock fell below the weeks it should cover: recorded once per crossing, open
    while it stays below, closed (`resolved_at`) once it is back above, like `LowStockAlert`."""

    balance = models.IntegerField(_("vouchers in stock when noticed"))
    weekly_rate = models.PositiveIntegerField(_("vouchers due each week"))
    noticed_at = models.DateTimeField(_("noticed at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("back above at"), null=True, blank=True)

    class Meta:
        verbose_name = _("low voucher stock alert")
        verbose_name_plural = _("low voucher stock alerts")
        ordering = ["-noticed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolved_at"],
                condition=Q(resolved_at__isnull=True),
                nulls_distinct=False,  # at most one open alert
                name="voucher_one_open_low_stock_alert",
            )
        ]

    def __str__(self) -> str:
        return str(self.balance)
