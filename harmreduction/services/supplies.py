"""Harm-reduction material: the stock ledger (receipts, transfers, adjustments, counts) and
handing out (material, naloxone kits), each in one transaction."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harmreduction.models.common import Setting
from harmreduction.models.supplies import (
    Category,
    InventoryCount,
    InventoryLine,
    Item,
    Location,
    MovementKind,
    NaloxoneKit,
    StockLevel,
    StockMovement,
    SupplyDistribution,
    SupplyDistributionLine,
)


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
    batch: str = ""
    expires_on: datetime.date | None = None


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
                batch=move.batch,
                expires_on=move.expires_on,
            )
        )
    for key, level in levels.items():
        if level.quantity != running[key]:
            level.quantity = running[key]
            level.save(update_fields=["quantity"])
    return StockMovement.objects.bulk_create(movements)


def _positive(quantities: dict[Item, int]) -> dict[Item, int]:
    return {item: quantity for item, quantity in quantities.items() if quantity}


@dataclass(frozen=True)
class Lot:
    """A delivery's batch of an item: its number and expiry date, when known."""

    batch: str = ""
    expires_on: datetime.date | None = None


def check_lots(
    quantities: dict[Item, int], lots: dict[Item, Lot], today: datetime.date
) -> dict[Item, str]:
    """What is wrong with the batches of a delivery, item by item (empty: nothing).

    A dated item (naloxone) needs its expiry date; no batch can arrive already expired.
    """
    errors = {}
    for item in quantities:
        lot = lots.get(item, Lot())
        if lot.expires_on is None and item.dated:
            errors[item] = _("“%(item)s” is dated: give the expiry date of the batch received.") % {
                "item": item.name
            }
        elif lot.expires_on is not None and lot.expires_on < today:
            errors[item] = _(
                "The batch of “%(item)s” has already expired: it cannot go into the stock."
            ) % {"item": item.name}
    return errors


@transaction.atomic
def stock_receive(
    *,
    location: Location,
    quantities: dict[Item, int],
    by,
    note: str = "",
    lots: dict[Item, Lot] | None = None,
):
    """Material delivered to a location, with each item's batch number and expiry date (required
    for a dated item)."""
    quantities = _positive(quantities)
    lots = lots or {}
    if not quantities:
        raise ValidationError(_("Give the quantity of at least one item."))
    errors = check_lots(quantities, lots, timezone.localdate())
    if errors:
        raise ValidationError(list(errors.values()))
    return apply_moves(
        [
            Move(
                location,
                item,
                quantity,
                MovementKind.RECEIPT,
                reason=note,
                batch=lots.get(item, Lot()).batch.strip(),
                expires_on=lots.get(item, Lot()).expires_on,
            )
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
