"""The consumption outcome rule, against expectations computed by hand."""

import datetime

import pytest

from support.outcomes import Outcome, classify, classify_residents, outcome_summary
from tests.factories import (
    ConsumptionAssessmentFactory,
    ConsumptionLineFactory,
    PlacementFactory,
    ResidentFactory,
)

START = datetime.date(2025, 1, 1)
END = datetime.date(2025, 12, 31)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # a = 4 + 2 = 6 -> b = 0: nothing used any more
        ({"crack": 4, "alcohol": 2}, {"crack": 0, "alcohol": 0}, Outcome.STOPPED),
        # a = 6 -> b = 3 + 2 = 5
        ({"crack": 4, "alcohol": 2}, {"crack": 3, "alcohol": 2}, Outcome.REDUCED),
        # swapping crack for heroin at the same frequency: 4 -> 4
        ({"crack": 4, "heroin": 0}, {"crack": 0, "heroin": 4}, Outcome.STABLE),
        # a = 2 -> b = 3
        ({"crack": 2}, {"crack": 3}, Outcome.INCREASED),
        # nothing used, still nothing
        ({"crack": 0}, {"crack": 0}, Outcome.STABLE),
        # nothing used, then crack weekly
        ({"crack": 0}, {"crack": 2}, Outcome.INCREASED),
        # alcohol used at first was not asked at the end: nobody can tell
        ({"crack": 4, "alcohol": 3}, {"crack": 0}, Outcome.UNKNOWN),
        # a product not asked at first is left out: a = 4 -> b = 3
        ({"crack": 4}, {"crack": 3, "cannabis": 4}, Outcome.REDUCED),
        # nothing recorded in common
        ({"crack": 4}, {"alcohol": 0}, Outcome.UNKNOWN),
        (None, {"crack": 1}, Outcome.UNKNOWN),
    ],
)
def test_it_classifies_two_assessments(first, last, expected):
    assert classify(first, last) == expected


def _assess(resident, on, levels, prescribed=()):
    assessment = ConsumptionAssessmentFactory(resident=resident, assessed_on=on)
    for product, level in levels.items():
        ConsumptionLineFactory(
            assessment=assessment,
            product=product,
            frequency=level,
            route="" if not level else "swallowed",
            ost_prescribed=product in prescribed,
        )
    return assessment


@pytest.fixture
def cohort():
    """Six people, their assessments, and the outcome each must get over 2025."""
    d = datetime.date
    people = {name: ResidentFactory(nickname=name) for name in "ABCDEF"}
    a, b, c, d_, e, f = people.values()
    # A: stopped. Before the period (ignored), then daily crack, then nothing.
    _assess(a, d(2024, 6, 1), {"crack": 1})
    _assess(a, d(2025, 1, 10), {"crack": 4, "alcohol": 2})
    _assess(a, d(2025, 4, 10), {"crack": 2, "alcohol": 2})
    _assess(a, d(2025, 7, 10), {"crack": 0, "alcohol": 0})
    # B: reduced, 4 + 4 (street methadone) -> 3 + 0 (prescribed OST counts as 0).
    _assess(b, d(2025, 2, 1), {"crack": 4, "ost": 4})
    _assess(b, d(2025, 8, 1), {"crack": 3, "ost": 4}, prescribed={"ost"})
    # C: increased, 2 -> 3; the assessment of 2026 is after the period.
    _assess(c, d(2025, 3, 1), {"crack": 2})
    _assess(c, d(2025, 9, 1), {"crack": 3})
    _assess(c, d(2026, 1, 15), {"crack": 0})
    # D: stable, 3 + 1 -> 3 + 1.
    _assess(d_, d(2025, 1, 1), {"crack": 3, "cannabis": 1})
    _assess(d_, d(2025, 12, 31), {"crack": 3, "cannabis": 1})
    # E: one assessment in the period only: unknown.
    _assess(e, d(2025, 5, 1), {"crack": 4})
    # F: reduced, 4 -> 2.
    _assess(f, d(2025, 1, 5), {"crack": 4})
    _assess(f, d(2025, 10, 5), {"crack": 2})
    return people


@pytest.mark.django_db
def test_it_classifies_each_resident_from_the_first_and_last_assessment_of_the_period(
    cohort, django_assert_num_queries
):
    ids = {resident.pk: name for name, resident in cohort.items()}
    with django_assert_num_queries(2):  # the assessments' dates, then the lines needed
        outcomes = classify_residents(ids, START, END)
    assert {ids[pk]: outcome for pk, outcome in outcomes.items()} == {
        "A": Outcome.STOPPED,
        "B": Outcome.REDUCED,
        "C": Outcome.INCREASED,
        "D": Outcome.STABLE,
        "E": Outcome.UNKNOWN,
        "F": Outcome.REDUCED,
    }


@pytest.mark.django_db
def test_it_sums_up_the_cohort_for_the_report(cohort):
    summary = outcome_summary(START, END, [resident.pk for resident in cohort.values()])
    assert summary.counts == {
        Outcome.STOPPED: 1,
        Outcome.REDUCED: 2,
        Outcome.STABLE: 1,
        Outcome.INCREASED: 1,
        Outcome.UNKNOWN: 1,
    }
    assert (summary.total, summary.assessed, summary.fell, summary.stopped) == (6, 5, 3, 1)
    assert (summary.share_fell, summary.share_stopped) == (0.6, 0.2)
    assert summary.phrase() == (
        "La consommation a baissé pour 3 personnes sur 5, et s’est arrêtée pour 1."
    )


@pytest.mark.django_db
def test_it_takes_everyone_housed_in_the_period_by_default(cohort):
    a, b = cohort["A"], cohort["B"]
    PlacementFactory(resident=a, start=datetime.date(2024, 11, 1))
    PlacementFactory(resident=b, start=datetime.date(2026, 2, 1))  # after the period
    summary = outcome_summary(START, END)
    assert (summary.total, summary.stopped) == (1, 1)


@pytest.mark.django_db
def test_it_says_so_when_nobody_was_assessed_twice():
    summary = outcome_summary(START, END, [])
    assert (summary.assessed, summary.share_fell) == (0, None)
    assert summary.phrase() == (
        "Personne n’a été évalué·e deux fois sur la période : pas d’évolution à montrer."
    )
