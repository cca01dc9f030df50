"""Consumption outcomes: did each person's use of products fall, stop or grow over a period?

One rule, applied to the first and the last consumption assessment of a person dated within
the period (bounds included), on the 0–4 frequency scale of `residents.models.Frequency`:

1. Fewer than two assessments in the period: **unknown**.
2. Each assessment gives a level per product recorded. A product with no line was not asked:
   it is left out, not counted as 0. A *prescribed* opioid substitution treatment is care, not
   consumption: its level counts as 0.
3. The comparison runs over the products recorded at both assessments. If none is, or if a
   product used at the first (level above 0) was not asked at the last: **unknown** — nobody
   can say what became of it.
4. With `a` the sum of the first levels and `b` the sum of the last ones over those products:
   - `a = 0`: **stable** if `b = 0` (nothing used, still nothing), else **increased**;
   - `b = 0`: **stopped** (every product used at the start is no longer used);
   - `b < a`: **reduced**; `b > a`: **increased**; `b = a`: **stable**.

The sum counts poly-use: swapping one product for another at the same frequency is not a
reduction. "Consumption fell" in the report means stopped or reduced (`OutcomeSummary.fell`).
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from placements.models import Placement
from residents.models import ConsumptionAssessment, ConsumptionLine, Product


class Outcome(models.TextChoices):
    STOPPED = "stopped", _("Stopped")
    REDUCED = "reduced", _("Reduced")
    STABLE = "stable", _("Stable")
    INCREASED = "increased", _("Increased")
    UNKNOWN = "unknown", _("Unknown")


Levels = Mapping[str, int]


def level(product: str, frequency: int, ost_prescribed: bool) -> int:
    """A line's level: a prescribed substitution treatment counts as 0."""
    return 0 if product == Product.OST and ost_prescribed else frequency


def levels_of(lines: Iterable[ConsumptionLine]) -> dict[str, int]:
    """Product -> level for one assessment."""
    return {
        line.product: level(line.product, line.frequency, line.ost_prescribed) for line in lines
    }


def classify(first: Levels | None, last: Levels | None) -> Outcome:
    """The outcome between two assessments' levels (see the module for the rule)."""
    if first is None or last is None:
        return Outcome.UNKNOWN
    compared = first.keys() & last.keys()
    used_at_first = {product for product, level in first.items() if level > 0}
    if not compared or not used_at_first <= compared:
        return Outcome.UNKNOWN
    before = sum(first[product] for product in compared)
    after = sum(last[product] for product in compared)
    if before == 0:
        return Outcome.STABLE if after == 0 else Outcome.INCREASED
    if after == 0:
        return Outcome.STOPPED
    if after < before:
        return Outcome.REDUCED
    if after > before:
        return Outcome.INCREASED
    return Outcome.STABLE


def _any(column: str, ids: set[int]) -> RawSQL:
    """`column IN ids` as one array parameter: `__in` with a year's cohort (thousands of ids)
    costs a placeholder each, prepared one by one in Python."""
    return RawSQL(f"{column} = ANY(%s)", (sorted(ids),), output_field=models.BooleanField())


def classify_residents(
    resident_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, Outcome]:
    """Each resident's outcome over [start, end], in two queries whatever their number."""
    resident_ids = set(resident_ids)
    dated = (
        ConsumptionAssessment.objects.filter(
            _any("resident_id", resident_ids), assessed_on__gte=start, assessed_on__lte=end
        )
        .order_by("resident_id", "assessed_on", "pk")
        .values_list("resident_id", "pk")
    )
    ends: dict[int, list[int]] = {}
    for resident_id, pk in dated:
        ends.setdefault(resident_id, []).append(pk)
    pairs = {rid: (pks[0], pks[-1]) for rid, pks in ends.items() if len(pks) >= 2}
    wanted = {pk for pair in pairs.values() for pk in pair}
    # Tuples, not model instances: a year's cohort is thousands of lines (the manager's home card).
    levels: dict[int, dict[str, int]] = {pk: {} for pk in wanted}
    for assessment_id, product, frequency, ost_prescribed in ConsumptionLine.objects.filter(
        _any("assessment_id", wanted)
    ).values_list("assessment_id", "product", "frequency", "ost_prescribed"):
        levels[assessment_id][product] = level(product, frequency, ost_prescribed)
    outcomes = {}
    for resident_id in resident_ids:
        if resident_id not in pairs:
            outcomes[resident_id] = Outcome.UNKNOWN
            continue
        first, last = pairs[resident_id]
        outcomes[resident_id] = classify(levels[first], levels[last])
    return outcomes


@dataclass(frozen=True)
class OutcomeSummary:
    """The outcomes of a cohort, and the figures the activity report prints."""

    start: datetime.date
    end: datetime.date
    counts: dict[Outcome, int]

    @property
    def total(self) -> int:
        """Everyone in the cohort, unknown outcomes included."""
        return sum(self.counts.values())

    @property
    def assessed(self) -> int:
        """People whose outcome is known: the M of "N people out of M"."""
        return self.total - self.counts[Outcome.UNKNOWN]

    @property
    def stopped(self) -> int:
        return self.counts[Outcome.STOPPED]

    @property
    def fell(self) -> int:
        """Consumption fell: stopped or reduced."""
        return self.counts[Outcome.STOPPED] + self.counts[Outcome.REDUCED]

    def share(self, count: int) -> float | None:
        return count / self.assessed if self.assessed else None

    @property
    def share_fell(self) -> float | None:
        return self.share(self.fell)

    @property
    def share_stopped(self) -> float | None:
        return self.share(self.stopped)

    def phrase(self) -> str:
        """ "Consumption fell for N people out of M, and stopped for K." in the active language."""
        if not self.assessed:
            return str(_("No one was assessed twice in the period: no outcome to show."))
        return ngettext(
            "Consumption fell for %(fell)s person out of %(assessed)s, and stopped for "
            "%(stopped)s.",
            "Consumption fell for %(fell)s people out of %(assessed)s, and stopped for "
            "%(stopped)s.",
            self.fell,
        ) % {"fell": self.fell, "assessed": self.assessed, "stopped": self.stopped}


def outcome_summary(
    start: datetime.date, end: datetime.date, resident_ids: Iterable[int] | None = None
) -> OutcomeSummary:
    """The outcomes over [start, end] of `resident_ids`, by default of everyone housed in the
    period (a stay overlapping it)."""
    if resident_ids is None:
        resident_ids = (
            Placement.objects.filter(Q(end__isnull=True) | Q(end__gt=start), start__lte=end)
            .values_list("resident_id", flat=True)
            .distinct()
        )
    outcomes = classify_residents(resident_ids, start, end)
    counts = dict.fromkeys(Outcome, 0)
    for outcome in outcomes.values():
        counts[outcome] += 1
    return OutcomeSummary(start=start, end=end, counts=counts)
