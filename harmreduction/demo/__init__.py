"""Fictional vouchers and harm-reduction activity for the demo and the benchmarks.

Built after the stays and the visits, and consistent with them: each week, every person housed
that week is due their vouchers — given during a visit where the visits seeder met them, at the
office otherwise, now and then recorded as not given (absent, in hospital during an absence) and
sometimes caught up the week after. Material is handed out during some of the visits (from the
team's bag) and at the office (some people anonymous). Both stocks are simulated in the order of
time, so every ledger line and balance is what the workflows would have written, never below
zero: monthly receipts, weekly restocking of the bags, quarterly counts.

Deterministic for a seed; idempotent: with vouchers already present it adds nothing.

One module per domain builds its rows in memory: `vouchers`, `supplies` (the material and its
stock) and `activities` (collections, overdoses, advice, samples); `seed` here runs them in
order and writes everything.
"""

from collections import defaultdict
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.roles import CARE_TEAM, Role
from harmreduction.demo.activities import _activity
from harmreduction.demo.common import DAY
from harmreduction.demo.supplies import (
    LOCATIONS,
    Ledger,
    _batches,
    _handouts,
    _stock,
    _thresholds,
)
from harmreduction.demo.vouchers import VoucherRows, _voucher_ledger, _vouchers
from harmreduction.models.activities import AdviceSession
from harmreduction.models.common import WEEK, week_start
from harmreduction.models.supplies import (
    InventoryCount,
    InventoryLine,
    Item,
    Location,
    NaloxoneKit,
    StockMovement,
    SupplyDistribution,
    SupplyDistributionLine,
)
from harmreduction.models.vouchers import (
    VoucherDistribution,
    VoucherLedgerLine,
    VoucherStatus,
    VoucherStock,
)
from placements.models import Absence, Hotel, Placement
from residents.models import Resident
from visits.models import MET, Visit, VisitStatus

HISTORY_WEEKS = {"demo": 104, "assore": 104}


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
    _batches(ledger, items, today)
    with _constraints_checked_at_once():
        _write(vouchers, handouts, ledger, first_week, today, coordinator)
        _thresholds(locations, items, ledger)
        extras = _activity(rng, stays, first_week, today, team_ids)
    given = sum(1 for row in vouchers.rows if row.status == VoucherStatus.GIVEN)
    return (
        f"{given} voucher weeks given over {HISTORY_WEEKS[scale]} weeks, "
        f"{len(handouts)} handouts of material, {len(ledger.movements)} stock movements; {extras}"
    )


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
