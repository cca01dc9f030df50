"""Fictional vouchers and harm-reduction activity for the demo and the benchmarks.

Built after the stays and the visits, and consistent with them: each week, every person housed
that week is due their vouchers — given during a visit where the visits seeder met them, at the
office otherwise, now and then recorded as not given (absent, in hospital during an absence) and
sometimes caught up the week after. Material is handed out during some of the visits (from the
team's bag) and at the office (some people anonymous). Both stocks are simulated in the order of
time, so every ledger line and balance is what the workflows would have written, never below
zero: monthly receipts, weekly restocking of the bags, quarterly counts.

Deterministic for a seed; idempotent: with vouchers already present it adds nothing.
"""

import datetime
import math
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.roles import CARE_TEAM, Role
from harmreduction.models import (
    WEEK,
    AdviceSession,
    AdviceTopic,
    AnalysisNetwork,
    CancelKind,
    Collection,
    InventoryCount,
    InventoryLine,
    Item,
    Location,
    LocationKind,
    MissedReason,
    MovementKind,
    NaloxoneKit,
    NaloxoneTraining,
    Overdose,
    OverdoseOutcome,
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
from placements.models import Absence, AbsenceReason, Hotel, Placement
from residents.models import Resident
from visits.models import MET, Visit, VisitStatus

DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
HISTORY_WEEKS = {"demo": 104, "assore": 104}
LOCATIONS = [
    ("Bureau", LocationKind.OFFICE),
    ("Sac de visite – équipe A", LocationKind.VISIT_BAG),
    ("Sac de visite – équipe B", LocationKind.VISIT_BAG),
]
# Shares of the weeks due: not given (absent, refused…), and of those caught up the week after.
NOT_GIVEN_SHARE = 0.06
CAUGHT_UP_SHARE = 0.5
CORRECTION_SHARE = 0.004
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
ADVICE_SHARE = 0.12
ADVICE_TOPICS = [
    (AdviceTopic.SAFER_SMOKING, 40),
    (AdviceTopic.OVERDOSE, 12),
    (AdviceTopic.MIXING, 10),
    (AdviceTopic.INFECTIONS, 10),
    (AdviceTopic.SAFER_INJECTION, 6),
    (AdviceTopic.SEXUAL_HEALTH, 8),
    (AdviceTopic.REDUCING, 12),
    (AdviceTopic.OTHER, 2),
]
MISSED_FOR_ABSENCE = {
    AbsenceReason.HOSPITAL: MissedReason.HOSPITAL,
    AbsenceReason.PRISON: MissedReason.PRISON,
    AbsenceReason.TRAVEL: MissedReason.AWAY,
    AbsenceReason.OTHER: MissedReason.OTHER,
}
PRODUCTS = ["Crack", "Cocaïne", "Héroïne", "Kétamine", "Cathinone (3-MMC)", "Cachet inconnu"]
RESULTS = [
    "Cocaïne base, pureté habituelle, pas de produit de coupe dangereux.",
    "Cocaïne coupée au lévamisole, pureté moyenne.",
    "Héroïne à faible teneur, paracétamol et caféine.",
    "Kétamine conforme.",
]
UNEXPECTED_RESULTS = [
    "Présence de fentanyl (opioïde de synthèse) dans un produit vendu comme héroïne : "
    "risque majeur de surdose.",
    "Nitazène détecté dans un produit vendu comme cocaïne : alerte surdose, proposer la naloxone.",
    "Produit très fortement dosé (pureté > 90 %) : risque de surdose.",
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed(*, rng, scale: str) -> str:
    if VoucherDistribution.objects.exists():
        return f"vouchers already present ({VoucherDistribution.objects.count()}): nothing added"
    if not Placement.objects.exists():
        return "no stay: run the stays seeder first"
    today = timezone.localdate()
    team = list(
        User.objects.filter(is_active=True, groups__name__in=list(CARE_TEAM))
        .distinct()
        .order_by("username")
    )
    coordinator = User.objects.filter(groups__name=Role.COORDINATOR).order_by("pk").first()
    if not team or coordinator is None:
        raise LookupError("The demo users are missing: run accounts.demo.seed first.")
    locations = [
        Location.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in LOCATIONS
    ]
    items = {item.name: item for item in Item.objects.all()}
    first_week = week_start(today) - (HISTORY_WEEKS[scale] - 1) * WEEK

    stays = list(
        Placement.objects.overlapping(first_week, today + DAY).values_list(
            "resident_id", "place__hotel_id", "start", "end", "pk"
        )
    )
    absences = defaultdict(list)
    for placement_id, start, end, reason in Absence.objects.values_list(
        "placement_id", "start", "end", "reason"
    ):
        absences[placement_id].append((start, end, reason))
    seen = defaultdict(list)  # (resident id, monday) -> [(visit id, logged at, by, hotel id)]
    for visit_id, resident_id, day, logged_at, by_id, hotel_id in (
        Visit.objects.filter(
            status=VisitStatus.DONE, outcome__in=list(MET), planned_on__gte=first_week
        )
        .order_by("planned_on", "pk")
        .values_list("pk", "resident_id", "planned_on", "logged_at", "logged_by_id", "hotel_id")
    ):
        by_id = by_id or team[0].pk
        seen[resident_id, week_start(day)].append((visit_id, logged_at, by_id, hotel_id))

    team_ids = [user.pk for user in team]
    vouchers = _vouchers(rng, stays, absences, seen, first_week, today, team_ids)
    handouts = _handouts(rng, scale, stays, seen, first_week, today, team_ids, locations, items)
    ledger = Ledger(by_id=coordinator.pk)
    _stock(rng, ledger, handouts, locations, items, first_week, today)
    with _constraints_checked_at_once():
        _write(vouchers, handouts, ledger, first_week, today, coordinator)
        _thresholds(locations, items, ledger)
        extras = _activity(rng, stays, first_week, today, team_ids)
    given = sum(1 for row in vouchers.rows if row.status == VoucherStatus.GIVEN)
    return (
        f"{given} voucher weeks given over {HISTORY_WEEKS[scale]} weeks, "
        f"{len(handouts)} handouts of material, {len(ledger.movements)} stock movements; {extras}"
    )


# --- Vouchers -------------------------------------------------------------------------------------


@dataclass
class VoucherRows:
    rows: list = field(default_factory=list)
    ledger: list = field(default_factory=list)  # (at, kind, quantity, by, distribution, note)


def _vouchers(rng, stays, absences, seen, first_week, today, team_ids) -> VoucherRows:
    per_week, value = settings.VOUCHERS_PER_WEEK, settings.VOUCHER_UNIT_VALUE_CENTS
    out = VoucherRows()
    this_week = week_start(today)
    monday = first_week
    while monday <= this_week:
        housed = {}
        for resident_id, _hotel_id, start, end, placement_id in stays:
            if start < monday + WEEK and (end is None or end > monday):
                housed[resident_id] = (placement_id, start, end)
        for resident_id, (placement_id, _start, _end) in sorted(housed.items()):
            _voucher_week(
                rng, out, resident_id, monday, today, seen.get((resident_id, monday), []),
                absences.get(placement_id, []), team_ids, per_week, value,
            )  # fmt: skip
        monday += WEEK
    return out


def _voucher_week(rng, out, resident_id, monday, today, visits, away, team_ids, per_week, value):
    last_day = min(monday + 4 * DAY, today - DAY) if monday + WEEK > today else monday + 4 * DAY
    if last_day < monday:
        return  # this week, nothing recorded yet on a Monday

    def row(**fields):
        distribution = VoucherDistribution(
            resident_id=resident_id,
            week=monday,
            quantity=per_week,
            unit_value_cents=value,
            **fields,
        )
        out.rows.append(distribution)
        return distribution

    def give(at, by, visit_id=None):
        distribution = row(
            status=VoucherStatus.GIVEN,
            given_where=Setting.VISIT if visit_id else Setting.OFFICE,
            visit_id=visit_id,
            recorded_at=at,
            recorded_by_id=by,
        )
        out.ledger.append((at, VoucherLedgerKind.DISTRIBUTION, -per_week, by, distribution, ""))
        return distribution

    whole_week_away = [
        reason
        for start, end, reason in away
        if start <= monday and (end is None or end >= monday + WEEK)
    ]
    current = monday + WEEK > today
    if whole_week_away:
        row(
            status=VoucherStatus.NOT_GIVEN,
            missed_reason=MISSED_FOR_ABSENCE.get(whole_week_away[0], MissedReason.OTHER),
            recorded_at=_at(last_day, 17),
            recorded_by_id=rng.choice(team_ids),
        )
        return
    visits = [visit for visit in visits if timezone.localdate(visit[1]) <= last_day]
    if current and not visits and rng.random() < 0.6:
        return  # still to do this week
    if not current and rng.random() < NOT_GIVEN_SHARE:
        reason = rng.choices(
            [MissedReason.ABSENT, MissedReason.REFUSED, MissedReason.OTHER], [85, 5, 10]
        )[0]
        missed_by = rng.choice(team_ids)
        missed = row(
            status=VoucherStatus.NOT_GIVEN,
            missed_reason=reason,
            missed_note="Chambre vide aux deux passages" if reason == MissedReason.ABSENT else "",
            recorded_at=_at(monday + 4 * DAY, 17, 30),
            recorded_by_id=missed_by,
        )
        catch_up_day = monday + WEEK + rng.randint(0, 3) * DAY
        if catch_up_day < today and rng.random() < CAUGHT_UP_SHARE:
            at, by = _at(catch_up_day, rng.randint(10, 16)), rng.choice(team_ids)
            missed.cancelled_at, missed.cancelled_by_id = at, by
            missed.cancel_kind = CancelKind.CAUGHT_UP
            give(at, by)
        return
    if visits:
        visit_id, logged_at, by, _hotel = visits[0]
        distribution = give(logged_at, by, visit_id)
    else:
        day = monday + rng.randint(0, (last_day - monday).days) * DAY
        at = _at(day, rng.randint(9, 17), rng.choice([0, 20, 40]))
        distribution = give(at, rng.choice(team_ids))
    if rng.random() < CORRECTION_SHARE:
        # Ticked on the wrong line, unticked a few minutes later, then given for real.
        at = distribution.recorded_at + datetime.timedelta(minutes=3)
        distribution.cancelled_at, distribution.cancelled_by_id = at, distribution.recorded_by_id
        distribution.cancel_kind = CancelKind.CORRECTION
        by = distribution.recorded_by_id
        out.ledger.append((at, VoucherLedgerKind.CORRECTION, per_week, by, distribution, ""))
        give(at + datetime.timedelta(days=1), distribution.recorded_by_id, distribution.visit_id)


def _voucher_ledger(out: VoucherRows, first_week, today, coordinator) -> tuple[list, int]:
    """Every movement in order of time with the balance it left, and a receipt from the funder
    every four weeks topping the safe up to what the next four weeks use, plus a margin."""
    blocks = defaultdict(list)  # first day of a block of 4 weeks -> its movements
    for event in sorted(out.ledger, key=lambda event: (event[0], event[2] < 0)):
        days = (timezone.localdate(event[0]) - first_week).days
        blocks[first_week + (days // 28) * 28 * DAY].append(event)
    lines, balance, serial = [], 0, 100001

    def write(at, kind, quantity, by, distribution, series) -> None:
        nonlocal balance
        balance += quantity
        if balance < 0:
            raise AssertionError("negative voucher stock in the demo")
        lines.append(
            VoucherLedgerLine(
                kind=kind,
                quantity=quantity,
                balance_after=balance,
                on=timezone.localdate(at),
                at=at,
                by_id=by,
                series=series,
                distribution=distribution,
            )
        )

    block = first_week
    while block <= today:
        events = blocks.get(block, [])
        needed = -sum(quantity for _at, _kind, quantity, *_rest in events)
        missing = math.ceil(needed * 1.1) - balance
        if missing > 0:
            quantity = math.ceil(missing / 50) * 50
            series = f"{serial}–{serial + quantity - 1}"
            write(
                _at(block, 8, 30), VoucherLedgerKind.RECEIPT, quantity, coordinator.pk, None, series
            )
            serial += quantity
        for event in events:
            write(*event)
        block += 28 * DAY
    return lines, balance


# --- Material -----------------------------------------------------------------------------------


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


def _topic(rng):
    topics, weights = zip(*ADVICE_TOPICS, strict=True)
    return rng.choices(topics, weights)[0]


def _housed(stays, monday) -> list[int]:
    return sorted(
        {
            resident_id
            for resident_id, _hotel, start, end, _pk in stays
            if start < monday + WEEK and (end is None or end > monday)
        }
    )


def _handouts(rng, scale, stays, seen, first_week, today, team_ids, locations, items) -> list:
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
                    held_on=timezone.localdate(logged_at),
                    topic=_topic(rng),
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


@contextmanager
def _constraints_checked_at_once():
    """Check the foreign keys at each insert instead of at commit.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: in one long transaction, PostgreSQL
    queues one check per row until the commit and walks that queue again after every statement,
    which made the assore scale take minutes per table. Back to deferred afterwards.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _analyze(*models) -> None:
    """Refresh the planner's statistics of tables filled in this transaction.

    The foreign-key checks of the next inserts are planned from them: with the statistics of an
    empty table they scan it for every row, and the assore scale takes many minutes instead of one.
    """
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _write(vouchers: VoucherRows, handouts, ledger: Ledger, first_week, today, coordinator) -> None:
    _analyze(User, Resident, Placement, Visit, Hotel, Location, Item)
    VoucherDistribution.objects.bulk_create(vouchers.rows, batch_size=2000)
    _analyze(VoucherDistribution)
    lines, balance = _voucher_ledger(vouchers, first_week, today, coordinator)
    VoucherLedgerLine.objects.bulk_create(lines, batch_size=2000)
    VoucherStock.objects.update_or_create(pk=1, defaults={"balance": balance})

    SupplyDistribution.objects.bulk_create([h.distribution for h in handouts], batch_size=2000)
    _analyze(SupplyDistribution)
    SupplyDistributionLine.objects.bulk_create(
        [line for handout in handouts for line in handout.lines], batch_size=2000
    )
    _analyze(SupplyDistributionLine)
    kits = []
    for handout in handouts:
        if handout.kit is not None:
            handout.kit.line = handout.lines[0]
            kits.append(handout.kit)
    NaloxoneKit.objects.bulk_create(kits)
    AdviceSession.objects.bulk_create([h.advice for h in handouts if h.advice is not None])
    InventoryCount.objects.bulk_create([count for count, _lines in ledger.counts])
    InventoryLine.objects.bulk_create([line for _count, lines in ledger.counts for line in lines])
    _analyze(InventoryLine)
    StockMovement.objects.bulk_create(ledger.movements, batch_size=2000)


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


def _activity(rng, stays, first_week, today, team_ids) -> str:
    """Collections of used material per hotel, overdoses, advice at the office, samples."""
    hotel_ids = {hotel for _resident, hotel, *_rest in stays}
    hotels = list(Hotel.objects.filter(pk__in=hotel_ids).order_by("pk"))
    collections, overdoses, advice, samples = [], [], [], []
    monday = first_week
    while monday <= today:
        housed = _housed(stays, monday)
        for hotel in hotels:
            if rng.random() < 0.5:
                day = monday + rng.randint(0, 4) * DAY
                if day < today:
                    collections.append(
                        Collection(
                            hotel=hotel,
                            collected_on=day,
                            sharps_boxes=rng.choice([0, 1, 1, 2]),
                            returned_items=rng.randint(1, 25),
                            recorded_by_id=rng.choice(team_ids),
                        )
                    )
        if housed and rng.random() < 0.12:
            day = monday + rng.randint(0, 6) * DAY
            if day < today:
                used = rng.random() < 0.6
                overdoses.append(
                    Overdose(
                        occurred_on=day,
                        hotel=rng.choice(hotels) if hotels else None,
                        resident_id=rng.choice(housed) if rng.random() < 0.8 else None,
                        naloxone_used=used,
                        emergency_called=rng.random() < 0.8,
                        outcome=rng.choices(list(OverdoseOutcome), [60, 35, 2, 3])[0],
                        recorded_by_id=rng.choice(team_ids),
                        recorded_at=_at(day, 18),
                    )
                )
        for _n in range(rng.randint(0, 2)):
            day = monday + rng.randint(0, 4) * DAY
            if day < today:
                advice.append(
                    AdviceSession(
                        resident_id=rng.choice(housed) if housed and rng.random() < 0.8 else None,
                        held_on=day,
                        topic=_topic(rng),
                        setting=Setting.OFFICE,
                        held_by_id=rng.choice(team_ids),
                    )
                )
        if housed and rng.random() < 0.25:
            samples.append(_sample(rng, housed, monday, today, team_ids))
        monday += WEEK
    _recent_alert(rng, samples, today)
    Collection.objects.bulk_create(collections)
    Overdose.objects.bulk_create(overdoses)
    AdviceSession.objects.bulk_create(advice)
    Sample.objects.bulk_create(samples)
    return (
        f"{len(collections)} collections, {len(overdoses)} overdoses, "
        f"{len(samples)} samples for analysis"
    )


def _sample(rng, housed, monday, today, team_ids) -> Sample:
    collected = monday + rng.randint(0, 4) * DAY
    sample = Sample(
        resident_id=rng.choice(housed),
        collected_on=min(collected, today),
        collected_by_id=rng.choice(team_ids),
        presumed_product=rng.choice(PRODUCTS),
        network=rng.choices(list(AnalysisNetwork), [5, 4, 1])[0],
    )
    sent = sample.collected_on + rng.randint(1, 5) * DAY
    if sent >= today:
        return sample
    sample.sent_on = sent
    sample.reference = f"{sent.year}-{rng.randint(1000, 9999)}"
    result = sent + rng.randint(14, 35) * DAY
    if result >= today:
        return sample
    sample.result_on = result
    sample.result_unexpected = rng.random() < 0.12
    sample.result = rng.choice(UNEXPECTED_RESULTS if sample.result_unexpected else RESULTS)
    if sample.result_unexpected:
        sample.alert_sent_at = _at(result, 11)
    returned = result + rng.randint(2, 12) * DAY
    if returned < today and rng.random() < 0.85:
        sample.returned_on = returned
    return sample


def _recent_alert(rng, samples, today) -> None:
    """The latest sample with a result is flagged unexpected: the dashboard has an alert."""
    with_result = [s for s in samples if s.result_on and s.result_on >= today - 25 * DAY]
    if not with_result:
        return
    sample = with_result[-1]
    sample.presumed_product = "Héroïne"
    sample.result_unexpected = True
    sample.result = UNEXPECTED_RESULTS[0]
    sample.alert_sent_at = _at(sample.result_on, 11)
