"""Meal vouchers: handing out a week, recording it as not given, correcting a line, and the
voucher stock (receipts, removals), each in one transaction."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from harmreduction.models.common import WEEK, Setting, week_start
from harmreduction.models.vouchers import (
    CancelKind,
    VoucherDistribution,
    VoucherLedgerKind,
    VoucherLedgerLine,
    VoucherStatus,
    VoucherStock,
)
from placements.models import Placement


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# --- Meal vouchers ------------------------------------------------------------------------------


def week_is_open(week: datetime.date, today: datetime.date | None = None) -> bool:
    """A week's sheet can be changed during that week and the next one (to catch up), not
    before it starts and not after."""
    today = today or timezone.localdate()
    return week <= today < week + 2 * WEEK


def _check_week(week: datetime.date, today: datetime.date) -> None:
    if week != week_start(week):
        raise ValidationError(_("A voucher week starts on a Monday."))
    if week > today:
        raise ValidationError(_("This week has not started yet."))
    if not week_is_open(week, today):
        raise ValidationError(
            _(
                "The sheet of the week of %(week)s is closed: a week can be changed during that "
                "week and the next one only."
            )
            % {"week": _day(week)}
        )


def _check_housed(resident, week: datetime.date) -> None:
    if not Placement.objects.overlapping(week, week + WEEK).filter(resident=resident).exists():
        raise ValidationError(
            _("%(resident)s is not housed during the week of %(week)s.")
            % {"resident": resident.nickname, "week": _day(week)}
        )


def _lock_voucher_stock() -> VoucherStock:
    VoucherStock.objects.get_or_create(pk=1)
    return VoucherStock.objects.select_for_update().get(pk=1)


def _voucher_move(
    *,
    kind: str,
    quantity: int,
    by,
    stock: VoucherStock | None = None,
    on: datetime.date | None = None,
    series: str = "",
    note: str = "",
    distribution: VoucherDistribution | None = None,
) -> VoucherLedgerLine:
    """Write one ledger line and the new balance; refuse to go below zero."""
    stock = stock or _lock_voucher_stock()
    if stock.balance + quantity < 0:
        raise ValidationError(
            _(
                "Not enough vouchers in stock: %(balance)s left, %(wanted)s needed. "
                "Record the booklets received from the funder first."
            )
            % {"balance": stock.balance, "wanted": -quantity}
        )
    stock.balance += quantity
    stock.save(update_fields=["balance"])
    return VoucherLedgerLine.objects.create(
        kind=kind,
        quantity=quantity,
        balance_after=stock.balance,
        on=on or timezone.localdate(),
        by=by,
        series=series,
        note=note,
        distribution=distribution,
    )


def _active_row(resident, week: datetime.date) -> VoucherDistribution | None:
    return (
        VoucherDistribution.objects.select_for_update()
        .select_related("recorded_by")
        .filter(resident=resident, week=week)
        .active()
        .first()
    )


def _save_distribution(distribution: VoucherDistribution) -> None:
    try:
        with transaction.atomic():
            distribution.save()
    except IntegrityError:
        raise ValidationError(
            _("This week was recorded for %(resident)s at the same moment: reload the page.")
            % {"resident": distribution.resident.nickname}
        ) from None


@transaction.atomic
def voucher_give(
    *, resident, week: datetime.date, by, where: str, visit=None, now=None
) -> VoucherDistribution:
    """Hand out a resident's vouchers for `week`, catching up a week recorded as not given."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if where not in Setting.values:
        raise ValidationError(_("Say where the vouchers were given."))
    _check_week(week, today)
    _check_housed(resident, week)
    stock = _lock_voucher_stock()  # first: every voucher workflow queues here
    active = _active_row(resident, week)
    if active is not None and active.is_given:
        raise ValidationError(
            _("The vouchers of %(resident)s for this week were already given by %(by)s on %(at)s.")
            % {
                "resident": resident.nickname,
                "by": active.recorded_by,
                "at": _day(timezone.localdate(active.recorded_at)),
            }
        )
    if active is not None:
        _cancel(active, by=by, now=now, kind=CancelKind.CAUGHT_UP)
    distribution = VoucherDistribution(
        resident=resident,
        week=week,
        status=VoucherStatus.GIVEN,
        quantity=settings.VOUCHERS_PER_WEEK,
        unit_value_cents=settings.VOUCHER_UNIT_VALUE_CENTS,
        given_where=where,
        visit=visit,
        recorded_at=now,
        recorded_by=by,
    )
    _save_distribution(distribution)
    _voucher_move(
        kind=VoucherLedgerKind.DISTRIBUTION,
        quantity=-distribution.quantity,
        by=by,
        stock=stock,
        on=today,
        distribution=distribution,
    )
    return distribution


@transaction.atomic
def voucher_record_missed(
    *, resident, week: datetime.date, reason: str, by, note: str = "", now=None
) -> VoucherDistribution:
    """Record that a week's vouchers could not be handed out, and why (never a sanction)."""
    now = now or timezone.now()
    _check_week(week, timezone.localdate(now))
    _check_housed(resident, week)
    _lock_voucher_stock()
    active = _active_row(resident, week)
    if active is not None:
        if active.is_given:
            raise ValidationError(
                _(
                    "The vouchers of this week were already given: untick them first if it was a "
                    "mistake."
                )  # fmt: skip
            )
        raise ValidationError(_("This week is already recorded as not given."))
    distribution = VoucherDistribution(
        resident=resident,
        week=week,
        status=VoucherStatus.NOT_GIVEN,
        quantity=settings.VOUCHERS_PER_WEEK,
        unit_value_cents=settings.VOUCHER_UNIT_VALUE_CENTS,
        missed_reason=reason,
        missed_note=note,
        recorded_at=now,
        recorded_by=by,
    )
    distribution.full_clean(exclude=["resident", "recorded_by"], validate_constraints=False)
    _save_distribution(distribution)
    return distribution


def _cancel(distribution: VoucherDistribution, *, by, now, kind: str) -> None:
    distribution.cancelled_at, distribution.cancelled_by = now, by
    distribution.cancel_kind = kind
    distribution.save(update_fields=["cancelled_at", "cancelled_by", "cancel_kind"])


@transaction.atomic
def voucher_cancel(*, distribution: VoucherDistribution, by, now=None) -> VoucherDistribution:
    """Untick a line recorded by mistake: the row stays, marked as corrected by whom and when;
    vouchers given go back into stock with a ledger line."""
    now = now or timezone.now()
    stock = _lock_voucher_stock()
    distribution = (
        VoucherDistribution.objects.select_for_update(of=("self",))
        .select_related("resident")
        .get(pk=distribution.pk)
    )
    if distribution.cancelled_at is not None:
        raise ValidationError(_("This line was already corrected."))
    _check_week(distribution.week, timezone.localdate(now))
    _cancel(distribution, by=by, now=now, kind=CancelKind.CORRECTION)
    if distribution.is_given:
        _voucher_move(
            kind=VoucherLedgerKind.CORRECTION,
            quantity=distribution.quantity,
            by=by,
            stock=stock,
            on=timezone.localdate(now),
            distribution=distribution,
        )
    return distribution


@transaction.atomic
def voucher_receive(
    *, quantity: int, on: datetime.date, by, series: str = "", note: str = ""
) -> VoucherLedgerLine:
    if quantity <= 0:
        raise ValidationError({"quantity": _("Give a number of vouchers above zero.")})
    return _voucher_move(
        kind=VoucherLedgerKind.RECEIPT, quantity=quantity, by=by, on=on, series=series, note=note
    )


@transaction.atomic
def voucher_remove(
    *, kind: str, quantity: int, on: datetime.date, by, note: str, series: str = ""
) -> VoucherLedgerLine:
    """Vouchers lost, or returned to the funder: out of stock, with a reason."""
    if kind not in (VoucherLedgerKind.LOST, VoucherLedgerKind.RETURNED):
        raise ValidationError({"kind": _("Choose lost or returned to the funder.")})
    if quantity <= 0:
        raise ValidationError({"quantity": _("Give a number of vouchers above zero.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what happened.")})
    return _voucher_move(
        kind=kind, quantity=-quantity, by=by, on=on, series=series, note=note.strip()
    )
