"""The priority of an admission request, computed from its assessment.

The programme admits first the people whose psychic situation, isolation and vulnerability are
the most serious. Each criterion is scored from 1 (least serious) to 4 (most serious) and
multiplied by its weight; the psychic situation weighs most. The total goes from 7 to 28:

    total = 3 × psychic situation + 2 × isolation + 2 × vulnerability

The waiting list is ordered by this total (highest first), then by the date the request was
received (oldest first). The breakdown is shown on the request so that a coordinator can explain
a decision. Changing a weight here changes the order of the whole list: say so to the team.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# criterion -> (label, weight), in the order the breakdown is shown
WEIGHTS = {
    "psychic_situation": (_("Psychic situation"), 3),
    "isolation": (_("Isolation"), 2),
    "vulnerability": (_("Vulnerability"), 2),
}
LEVELS = range(1, 5)


@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    label: str
    level: int
    weight: int

    @property
    def points(self) -> int:
        return self.level * self.weight

    @property
    def maximum(self) -> int:
        return max(LEVELS) * self.weight


@dataclass(frozen=True)
class PriorityScore:
    total: int
    maximum: int
    breakdown: tuple[CriterionScore, ...]

    @property
    def levels(self) -> str:
        """“Psychic situation 3, Isolation 2, Vulnerability 4”."""
        return self.levels_with([str(part.label) for part in self.breakdown])

    @property
    def levels_short(self) -> str:
        """“P3 · I2 · V4”: the first letter of each criterion and its level."""
        return self.levels_short_with([str(part.label) for part in self.breakdown])

    def levels_with(self, labels: list[str]) -> str:
        """`levels` with the criteria's labels already translated (a list writes many scores)."""
        return ", ".join(
            f"{label} {part.level}" for label, part in zip(labels, self.breakdown, strict=True)
        )

    def levels_short_with(self, labels: list[str]) -> str:
        return " · ".join(
            f"{label[:1]}{part.level}" for label, part in zip(labels, self.breakdown, strict=True)
        )


def priority_score(*, psychic_situation: int, isolation: int, vulnerability: int) -> PriorityScore:
    """The weighted sum of the three levels, with each criterion's share of it."""
    levels = {
        "psychic_situation": psychic_situation,
        "isolation": isolation,
        "vulnerability": vulnerability,
    }
    breakdown = []
    for criterion, (label, weight) in WEIGHTS.items():
        level = levels[criterion]
        if level not in LEVELS:
            raise ValueError(f"{criterion} must be between 1 and 4, not {level!r}")
        breakdown.append(CriterionScore(criterion, label, level, weight))
    return PriorityScore(
        total=sum(score.points for score in breakdown),
        maximum=sum(score.maximum for score in breakdown),
        breakdown=tuple(breakdown),
    )


def priority_formula() -> str:
    """The formula in words, for the pages that show a score: "3 × Psychic situation + …"."""
    return " + ".join(f"{weight} × {label}" for label, weight in WEIGHTS.values())
