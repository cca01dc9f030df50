"""The demo's material: handouts during visits and at the office, the stock simulated in the
order of time (receipts, restocking of the bags, counts) and the low-stock thresholds."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from harmreduction.demo.activities import ADVICE_SHARE, _topics
from harmreduction.demo.common import DAY, MINUTE, _at, _housed
from harmreduction.models.activities import AdviceSession
from harmreduction.models.common import WEEK, Setting
from harmreduction.models.supplies import (
    InventoryCount,
    InventoryLine,
    LocationKind,
    MovementKind,
    NaloxoneKit,
    NaloxoneTraining,
    StockLevel,
    StockMovement,
    SupplyDistribution,
    SupplyDistributionLine,
)

LOCATIONS = [
    ("Bureau", LocationKind.OFFICE),
    ("Sac de visite – équipe A", LocationKind.VISIT_BAG),
    ("Sac de visite – équipe B", LocationKind.VISIT_BAG),
]
HANDOUT_AT_VISIT_SHARE = 0.45
OFFICE_HANDOUTS_PER_WEEK = {"demo": 6, "assore": 30}
ANONYMOUS_SHARE = 0.3
# item name -> (chance it is in a handout, lowest, highest quantity)
HANDOUT_ITEMS = {
    "Kit base": (0.5, 1, 1),
    "Embout": (0.6, 2, 6),
    "Filtre / grille": (0.4, 2, 6),
    "Pipe (doseur)": (0.15, 1, 1),
    "Pipe coudée": (0.05, 1, 1),
    "Baume à lèvres": (0.3, 1, 1),
    "Feuilles d'aluminium": (0.05, 1, 1),
    "Préservatif": (0.2, 2, 6),
    "Gel lubrifiant": (0.05, 1, 2),
    "Roule ta paille": (0.06, 1, 2),
    "Kit sniff": (0.03, 1, 1),
    "Stéribox": (0.05, 1, 2),
    "Seringue 1 ml": (0.03, 2, 5),
    "Stérifilt": (0.03, 2, 4),
    "Tampon alcoolisé": (0.04, 2, 6),
    "Collecteur DASRI": (0.03, 1, 1),
    "Kit d'hygiène": (0.06, 1, 1),
}


@dataclass
class Handout:
    distribution: SupplyDistribution
    wanted: list  # [(item, quantity)]
    lines: list = field(default_factory=list)
    kit: NaloxoneKit | None = None
    advice: AdviceSession | None = None


@dataclass
class Ledger:
    """The material stock simulated in memory: levels and ledger lines, in order of time."""

    by_id: int
    levels: dict = field(default_factory=lambda: defaultdict(int))
    movements: list = field(default_factory=list)
    counts: list = field(default_factory=list)  # [(InventoryCount, [InventoryLine])]

    def move(self, location, item, quantity, kind, at, by_id=None, **links) -> None:
        key = (location.pk, item.pk)
        self.levels[key] += quantity
        if self.levels[key] < 0:
            raise AssertionError(f"negative stock in the demo: {location} {item}")
        self.movements.append(
            StockMovement(
                location=location,
                item=item,
                kind=kind,
                quantity=quantity,
                balance_after=self.levels[key],
                at=at,
                by_id=by_id or self.by_id,
                **links,
            )
        )

    def receive(self, location, item, quantity, at) -> None:
        self.move(location, item, quantity, MovementKind.RECEIPT, at, reason="Livraison CAARUD")

    def transfer(self, source, destination, item, quantity, at) -> None:
        self.move(source, item, -quantity, MovementKind.TRANSFER_OUT, at, counterpart=destination)
        self.move(destination, item, quantity, MovementKind.TRANSFER_IN, at, counterpart=source)


def _handout_lines(rng, items) -> list[tuple]:
    lines = [
        (items[name], rng.randint(low, high))
        for name, (chance, low, high) in HANDOUT_ITEMS.items()
        if name in items and rng.random() < chance
    ]
    if not lines and "Embout" in items:
        lines = [(items["Embout"], 3)]
    return lines


def _handouts(rng, scale, stays, seen, first_week, today, team_ids, locations, items) -> list:
    pairs = random.Random(2027)
    office, bags = locations[0], locations[1:]
    handouts = []
    for (resident_id, _monday), visits in sorted(seen.items()):
        for visit_id, logged_at, by, _hotel in visits:
            if rng.random() >= HANDOUT_AT_VISIT_SHARE:
                continue
            distribution = SupplyDistribution(
                resident_id=resident_id,
                location=bags[by % len(bags)],
                setting=Setting.VISIT,
                visit_id=visit_id,
                given_at=logged_at,
                given_by_id=by,
            )
            handout = Handout(distribution, _handout_lines(rng, items))
            if rng.random() < ADVICE_SHARE:
                handout.advice = AdviceSession(
                    resident_id=resident_id,
                    visit_id=visit_id,
                    held_on=timezone.localdate(logged_at),
                    topics=_topics(rng, timezone.localdate(logged_at), pairs),
                    setting=Setting.VISIT,
                    held_by_id=by,
                )
            handouts.append(handout)
    monday = first_week
    while monday <= today:
        housed = _housed(stays, monday)
        for _n in range(OFFICE_HANDOUTS_PER_WEEK[scale]):
            day = monday + rng.randint(0, 4) * DAY
            if day >= today:
                continue
            anonymous = rng.random() < ANONYMOUS_SHARE or not housed
            distribution = SupplyDistribution(
                resident_id=None if anonymous else rng.choice(housed),
                location=office,
                setting=Setting.OFFICE,
                given_at=_at(day, rng.randint(10, 17), rng.choice([0, 15, 30, 45])),
                given_by_id=rng.choice(team_ids),
            )
            handouts.append(Handout(distribution, _handout_lines(rng, items)))
        if housed and rng.random() < 0.3 and monday + DAY < today:
            handouts.append(_naloxone(rng, office, items, housed, monday, today, team_ids))
        monday += WEEK
    return sorted(handouts, key=lambda handout: handout.distribution.given_at)


def _naloxone(rng, office, items, housed, monday, today, team_ids) -> Handout:
    item = items["Nyxoid (nasal)"] if rng.random() < 0.7 else items["Prenoxad (intramusculaire)"]
    day = min(monday + rng.randint(0, 4) * DAY, today - DAY)
    distribution = SupplyDistribution(
        resident_id=rng.choice(housed),
        location=office,
        setting=Setting.OFFICE,
        given_at=_at(day, 14),
        given_by_id=rng.choice(team_ids),
    )
    kit = NaloxoneKit(
        training=rng.choices(list(NaloxoneTraining), [2, 6, 3])[0],
        expires_on=day + rng.randint(300, 720) * DAY if rng.random() < 0.8 else None,
        batch=f"L{rng.randint(10000, 99999)}",
    )
    return Handout(distribution, [(item, 1)], kit=kit)


def _stock(rng, ledger: Ledger, handouts, locations, items, first_week, today) -> None:
    """Every four weeks a delivery brings the office up to a month of use; every Monday the bags
    are refilled to two weeks of theirs; a handout the stock cannot cover is restocked just
    before; each quarter the office is counted (a few small differences) and now and then a
    broken pipe is written off."""
    office, bags = locations[0], locations[1:]
    weeks = max((today - first_week).days // 7, 1)
    use = defaultdict(int)
    for handout in handouts:
        for item, quantity in handout.wanted:
            use[handout.distribution.location.pk, item.pk] += quantity
    bag_target = {key: max(math.ceil(total / weeks * 2), 2) for key, total in use.items()}
    office_target = defaultdict(int)
    for (_location_id, item_id), total in use.items():
        office_target[item_id] += math.ceil(total / weeks * 4) + 2

    def cover(location, item, quantity, at) -> None:
        short = quantity - ledger.levels[location.pk, item.pk]
        if short <= 0:
            return
        if location == office or ledger.levels[office.pk, item.pk] < short:
            ledger.receive(office, item, max(short, office_target[item.pk]), at)
        if location != office:
            ledger.transfer(office, location, item, short, at)

    index, monday = 0, first_week
    while monday <= today:
        week_number = (monday - first_week).days // 7
        if week_number % 4 == 0:
            for item in items.values():
                missing = office_target[item.pk] - ledger.levels[office.pk, item.pk]
                if missing > 0:
                    ledger.receive(office, item, missing, _at(monday, 8))
        if week_number % 13 == 12:
            _count(rng, ledger, office, list(items.values()), _at(monday, 8, 15))
        if week_number % 10 == 5 and ledger.levels[office.pk, items["Pipe (doseur)"].pk] >= 2:
            ledger.move(
                office,
                items["Pipe (doseur)"],
                -2,
                MovementKind.ADJUSTMENT,
                _at(monday, 8, 20),
                reason="Pipes cassées au transport",
            )
        for bag in bags:
            for item in items.values():
                want = bag_target.get((bag.pk, item.pk), 0) - ledger.levels[bag.pk, item.pk]
                if want > 0:
                    cover(office, item, want, _at(monday, 8, 40))
                    ledger.transfer(office, bag, item, want, _at(monday, 8, 45))
        end = _at(monday + WEEK, 0)
        while index < len(handouts) and handouts[index].distribution.given_at < end:
            handout = handouts[index]
            index += 1
            distribution = handout.distribution
            for item, quantity in handout.wanted:
                cover(distribution.location, item, quantity, distribution.given_at - 20 * MINUTE)
                line = SupplyDistributionLine(
                    distribution=distribution, item=item, quantity=quantity
                )
                handout.lines.append(line)
                ledger.move(
                    distribution.location,
                    item,
                    -quantity,
                    MovementKind.DISTRIBUTION,
                    distribution.given_at,
                    by_id=distribution.given_by_id,
                    distribution_line=line,
                )
        monday += WEEK


# Dated material: the shelf life of each delivery (days). Prenoxad, handed out rarely, has its
# last delivery made of a short-dated batch, so that the stock page and the daily e-mail have a
# batch expiring within the warning window to show.
SHELF_LIFE_DAYS = {"Nyxoid (nasal)": 540}
SHORT_DATED = "Prenoxad (intramusculaire)"
SHORT_DATED_LEFT_DAYS = 40


def _batches(ledger: Ledger, items, today) -> None:
    """Give each delivery of a dated item its batch number and expiry date (one batch per
    delivery, a constant shelf life per item, so later deliveries expire later)."""
    for item in items.values():
        if not item.dated:
            continue
        receipts = [
            movement
            for movement in ledger.movements
            if movement.item is item and movement.kind == MovementKind.RECEIPT
        ]
        if not receipts:
            continue
        if item.name == SHORT_DATED:
            last = timezone.localdate(receipts[-1].at)
            shelf = max((today - last).days + SHORT_DATED_LEFT_DAYS, 30)
        else:
            shelf = SHELF_LIFE_DAYS.get(item.name, 365)
        prefix = "".join(word[0] for word in item.name.split()).upper()
        for movement in receipts:
            day = timezone.localdate(movement.at)
            movement.batch = f"{prefix}{day:%y%m%d}"
            movement.expires_on = day + shelf * DAY


def _count(rng, ledger: Ledger, location, items, at) -> None:
    count = InventoryCount(location=location, counted_at=at, counted_by_id=ledger.by_id)
    lines = []
    for item in rng.sample(items, min(6, len(items))):
        expected = ledger.levels[location.pk, item.pk]
        counted = max(expected + rng.choice([0, 0, 0, -1, -2, 1]), 0)
        line = InventoryLine(count=count, item=item, expected=expected, counted=counted)
        lines.append(line)
        if counted != expected:
            difference = counted - expected
            ledger.move(location, item, difference, MovementKind.INVENTORY, at, inventory_line=line)
    ledger.counts.append((count, lines))


def _thresholds(locations, items, ledger: Ledger) -> None:
    """A threshold on the items that go fastest; two of them end below, for the dashboard."""
    watched = ["Kit base", "Embout", "Filtre / grille", "Préservatif", "Stéribox", "Nyxoid (nasal)"]
    levels = []
    for location in locations:
        for item in items.values():
            quantity = ledger.levels.get((location.pk, item.pk), 0)
            threshold = 0
            if item.name in watched and quantity > 0:
                threshold = max(quantity // 3, 2)
            levels.append(
                StockLevel(location=location, item=item, quantity=quantity, threshold=threshold)
            )
    for level in levels:
        if (level.location.kind, level.item.name) in {
            (LocationKind.OFFICE, "Stérifilt"),
            (LocationKind.VISIT_BAG, "Baume à lèvres"),
        }:
            level.threshold = level.quantity + 5
    StockLevel.objects.bulk_create(levels, ignore_conflicts=True)
