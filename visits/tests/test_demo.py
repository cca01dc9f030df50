"""The demo's rosters and visits: consistent with the stays, mostly made, idempotent."""

import random
from collections import Counter, defaultdict

import pytest

from accounts import demo as accounts_demo
from placements import demo as placements_demo
from placements.models import Absence, Placement
from residents import demo as residents_demo
from visits import demo
from visits.models import StaffAvailability, Visit, VisitStatus
from visits.selectors import residents_not_seen
from visits.tests.conftest import THIS_MONDAY, TODAY, WEEK


@pytest.mark.django_db
def test_it_seeds_two_years_of_visits_consistent_with_the_stays(db):
    accounts_demo.seed(rng=random.Random(1), scale="demo")
    placements_demo.seed(rng=random.Random(2), scale="demo")
    residents_demo.seed(rng=random.Random(3), scale="demo")
    placements_demo.seed_stays(rng=random.Random(4), scale="demo")

    summary = demo.seed(rng=random.Random(5), scale="demo")

    assert StaffAvailability.objects.count() == 6
    visits = list(Visit.objects.select_related("placement__place"))
    assert visits[-1].planned_on <= THIS_MONDAY - 103 * WEEK + 6 * (WEEK / 7)
    stays = {stay.pk: stay for stay in Placement.objects.all()}
    away = defaultdict(list)
    for absence in Absence.objects.all():
        away[absence.placement_id].append(absence)
    for visit in visits:
        stay = stays[visit.placement_id]
        assert stay.resident_id == visit.resident_id
        assert visit.hotel_id == visit.placement.place.hotel_id
        assert stay.start <= visit.planned_on and (stay.end is None or visit.planned_on < stay.end)
        assert not any(absence.covers(visit.planned_on) for absence in away[stay.pk])
        assert (visit.planned_on < TODAY) == (visit.status != VisitStatus.PLANNED)
    past = Counter(
        visit.status for visit in visits if not visit.unplanned and visit.planned_on < TODAY
    )
    assert past[VisitStatus.DONE] > 0.85 * sum(past.values()) and past[VisitStatus.MISSED] > 0
    teams = defaultdict(set)
    for visit in visits:
        if not visit.unplanned:
            teams[(visit.hotel_id, visit.planned_on)].add((visit.worker_id, visit.partner_id))
    assert all(len(found) == 1 for found in teams.values())
    _shown, not_seen = residents_not_seen()
    assert 3 <= not_seen <= 12, "a few, the demo's absentees among them"
    assert "visits over 105 weeks" in summary

    assert demo.seed(rng=random.Random(5), scale="demo").startswith("visits already present")
    assert Visit.objects.count() == len(visits)
