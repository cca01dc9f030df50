"""The demo's meal vouchers: each week due to every person housed, and the voucher ledger."""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from harmreduction.demo.common import DAY, _at
from harmreduction.models.common import WEEK, Setting, week_start
from harmreduction.models.vouchers import (
    CancelKind,
    MissedReason,
    VoucherDistribution,
    VoucherLedgerKind,
    VoucherLedgerLine,
    VoucherStatus,
)
from placements.models import AbsenceReason

# Shares of the weeks due: not given (absent, refused…), and of those caught up the week after.
NOT_GIVEN_SHARE = 0.06
CAUGHT_UP_SHARE = 0.5
CORRECTION_SHARE = 0.004
MISSED_FOR_ABSENCE = {
    AbsenceReason.HOSPITAL: MissedReason.HOSPITAL,
    AbsenceReason.PRISON: MissedReason.PRISON,
    AbsenceReason.TRAVEL: MissedReason.AWAY,
    AbsenceReason.OTHER: MissedReason.OTHER,
}


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
