"""Workflows that move vouchers and material, each in one transaction.

Both stocks are guarded the same way: the balance rows are locked (`SELECT … FOR UPDATE`, in a
fixed order) before anything is checked, so concurrent workflows run one after the other on the
rows they share, and each one checks the balance the previous one left. The CHECK constraints on
the balance rows are the last line of defence if code ever forgets the lock.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from harmreduction.models import (
    WEEK,
    CancelKind,
    Category,
    InventoryCount,
    InventoryLine,
    Item,
    Location,
    MovementKind,
    NaloxoneKit,
    Sample,
    Setting,
    StockLevel,
    StockMovement,
    SupplyDistribution,
    SupplyDistributionLine,
    VoucherDistribution,
    VoucherLedgerKind,
    VoucherLedgerLine,
    VoucherStatus,
    VoucherStock,
    week_start,
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


# --- Material: the stock ledger -----------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One planned ledger line: `quantity` units of `item` in (+) or out (-) of `location`."""

    location: Location
    item: Item
    quantity: int
    kind: str
    reason: str = ""
    counterpart: Location | None = None
    distribution_line: SupplyDistributionLine | None = None
    inventory_line: InventoryLine | None = None


def lock_levels(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """The stock levels of these (location id, item id) pairs, created if missing and locked,
    always in the same order so that two workflows cannot deadlock."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    StockLevel.objects.bulk_create(
        [StockLevel(location_id=location, item_id=item) for location, item in pairs],
        ignore_conflicts=True,
    )
    # Locks every level of these locations and items (a transfer: exactly its pairs).
    levels = (
        StockLevel.objects.select_for_update()
        .filter(
            location_id__in={location for location, _item in pairs},
            item_id__in={item for _location, item in pairs},
        )
        .order_by("location_id", "item_id")
    )
    wanted = set(pairs)
    return {
        (level.location_id, level.item_id): level
        for level in levels
        if (level.location_id, level.item_id) in wanted
    }


def _not_enough(move: Move, available: int) -> str:
    return _(
        "Not enough “%(item)s” in %(location)s: %(available)s left, %(wanted)s asked. "
        "Nothing was saved."
    ) % {
        "item": move.item.name,
        "location": move.location.name,
        "available": available,
        "wanted": -move.quantity,
    }


def apply_moves(moves: list[Move], *, by, at=None) -> list[StockMovement]:
    """Write the ledger lines and the new balances, all or nothing (call inside a transaction)."""
    at = at or timezone.now()
    levels = lock_levels((move.location.pk, move.item.pk) for move in moves)
    balances = {key: level.quantity for key, level in levels.items()}
    errors = []
    for move in moves:
        key = (move.location.pk, move.item.pk)
        if balances[key] + move.quantity < 0:
            errors.append(_not_enough(move, balances[key]))
        balances[key] += move.quantity
    if errors:
        raise ValidationError(errors)
    movements = []
    running = {key: level.quantity for key, level in levels.items()}
    for move in moves:
        key = (move.location.pk, move.item.pk)
        running[key] += move.quantity
        movements.append(
            StockMovement(
                location=move.location,
                item=move.item,
                kind=move.kind,
                quantity=move.quantity,
                balance_after=running[key],
                at=at,
                by=by,
                reason=move.reason,
                counterpart=move.counterpart,
                distribution_line=move.distribution_line,
                inventory_line=move.inventory_line,
            )
        )
    for key, level in levels.items():
        if level.quantity != running[key]:
            level.quantity = running[key]
            level.save(update_fields=["quantity"])
    return StockMovement.objects.bulk_create(movements)


def _positive(quantities: dict[Item, int]) -> dict[Item, int]:
    return {item: quantity for item, quantity in quantities.items() if quantity}


@transaction.atomic
def stock_receive(*, location: Location, quantities: dict[Item, int], by, note: str = ""):
    """Material delivered to a location."""
    quantities = _positive(quantities)
    if not quantities:
        raise ValidationError(_("Give the quantity of at least one item."))
    return apply_moves(
        [
            Move(location, item, quantity, MovementKind.RECEIPT, reason=note)
            for item, quantity in quantities.items()
        ],
        by=by,
    )


@transaction.atomic
def stock_transfer(
    *, source: Location, destination: Location, quantities: dict[Item, int], by, note: str = ""
):
    """Move material between locations (the office restocks a visit bag): two lines per item."""
    if source.pk == destination.pk:
        raise ValidationError({"destination": _("Choose two different locations.")})
    quantities = _positive(quantities)
    if not quantities:
        raise ValidationError(_("Give the quantity of at least one item."))
    moves = []
    for item, quantity in quantities.items():
        moves.append(
            Move(source, item, -quantity, MovementKind.TRANSFER_OUT, note, counterpart=destination)
        )
        moves.append(
            Move(destination, item, quantity, MovementKind.TRANSFER_IN, note, counterpart=source)
        )
    return apply_moves(moves, by=by)


@transaction.atomic
def stock_adjust(*, location: Location, item: Item, quantity: int, reason: str, by):
    """Correct a level by hand (broken, expired, found): a signed quantity and its reason."""
    if not quantity:
        raise ValidationError({"quantity": _("Give a quantity other than zero.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    (movement,) = apply_moves(
        [Move(location, item, quantity, MovementKind.ADJUSTMENT, reason=reason.strip())], by=by
    )
    return movement


@transaction.atomic
def stock_count(
    *, location: Location, counted: dict[Item, int], by, note: str = ""
) -> InventoryCount:
    """Record a count of a location: each item counted gets a line with what the ledger expected;
    a difference becomes a ledger line, so the stock then matches what is on the shelf."""
    if not counted:
        raise ValidationError(_("Count at least one item."))
    levels = lock_levels((location.pk, item.pk) for item in counted)
    count = InventoryCount.objects.create(location=location, counted_by=by, note=note)
    moves = []
    for item, number in sorted(counted.items(), key=lambda pair: pair[0].pk):
        expected = levels[location.pk, item.pk].quantity
        line = InventoryLine.objects.create(
            count=count, item=item, expected=expected, counted=number
        )
        if number != expected:
            moves.append(
                Move(location, item, number - expected, MovementKind.INVENTORY, inventory_line=line)
            )
    apply_moves(moves, by=by, at=count.counted_at)
    return count


# --- Material: handing out ------------------------------------------------------------------------


@transaction.atomic
def supply_give(
    *,
    location: Location,
    quantities: dict[Item, int],
    by,
    resident=None,
    setting: str = Setting.OFFICE,
    visit=None,
    at=None,
) -> SupplyDistribution:
    """Hand out material from `location` to a resident (or someone anonymous, `resident=None`):
    the distribution, its lines and the stock going down, in one transaction."""
    quantities = _positive(quantities)
    if not quantities:
        raise ValidationError(_("Give the quantity of at least one item."))
    if any(quantity < 0 for quantity in quantities.values()):
        raise ValidationError(_("A quantity handed out cannot be negative."))
    if not location.active:
        raise ValidationError({"location": _("This location is no longer in use.")})
    distribution = SupplyDistribution.objects.create(
        resident=resident,
        location=location,
        setting=Setting.VISIT if visit is not None else setting,
        visit=visit,
        given_at=at or timezone.now(),
        given_by=by,
    )
    lines = SupplyDistributionLine.objects.bulk_create(
        [
            SupplyDistributionLine(distribution=distribution, item=item, quantity=quantity)
            for item, quantity in sorted(quantities.items(), key=lambda pair: pair[0].pk)
        ]
    )
    apply_moves(
        [
            Move(
                location,
                line.item,
                -line.quantity,
                MovementKind.DISTRIBUTION,
                distribution_line=line,
            )
            for line in lines
        ],
        by=by,
        at=distribution.given_at,
    )
    return distribution


@transaction.atomic
def naloxone_give(
    *,
    item: Item,
    location: Location,
    training: str,
    by,
    resident=None,
    expires_on: datetime.date | None = None,
    batch: str = "",
    setting: str = Setting.OFFICE,
) -> NaloxoneKit:
    """One naloxone kit handed out, with the training given and its expiry date when known."""
    if item.category != Category.NALOXONE:
        raise ValidationError({"item": _("Choose a naloxone kit.")})
    distribution = supply_give(
        location=location, quantities={item: 1}, by=by, resident=resident, setting=setting
    )
    kit = NaloxoneKit(
        line=distribution.lines.get(), training=training, expires_on=expires_on, batch=batch
    )
    kit.full_clean(exclude=["line"])
    kit.save()
    return kit


# --- Drug checking --------------------------------------------------------------------------------


def sample_saved(sample: Sample) -> None:
    """After a sample is saved: an unexpected result not yet announced alerts the team, once the
    transaction has committed (the task re-reads the sample and sends at most once)."""
    if sample.result_unexpected and sample.alert_sent_at is None:
        from harmreduction.tasks import send_sample_alert

        transaction.on_commit(lambda: send_sample_alert.delay(sample.pk))
