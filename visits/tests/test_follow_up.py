"""Per person and week: visits planned and made, and who has not been met for too long."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import Absence
from tests.factories import PlacementFactory, VisitFactory
from visits.models import Outcome, VisitStatus
from visits.tests.conftest import DAY, THIS_MONDAY, TODAY, WEEK

URL = reverse("visits:follow_up")


def _done(stay, day, outcome=Outcome.SEEN, **kwargs):
    return VisitFactory(
        placement=stay,
        planned_on=day,
        status=VisitStatus.DONE,
        outcome=outcome,
        logged_at=timezone.now(),
        **kwargs,
    )


@pytest.fixture
def housed(db):
    """Four people housed this week: met yesterday; absent at every visit; away; new."""
    seen = PlacementFactory(start=TODAY - 40 * DAY, resident__nickname="Vue Hier")
    _done(seen, TODAY - DAY)
    missing = PlacementFactory(start=TODAY - 40 * DAY, resident__nickname="Introuvable")
    _done(missing, TODAY - 12 * DAY, Outcome.REFUSED)
    _done(missing, TODAY - 8 * DAY, Outcome.ABSENT)
    away = PlacementFactory(start=TODAY - 40 * DAY, resident__nickname="À l’hôpital")
    Absence.objects.create(placement=away, start=TODAY - 9 * DAY, reason="hospital")
    new = PlacementFactory(start=TODAY - 2 * DAY, resident__nickname="Nouvelle")
    return {"seen": seen, "missing": missing, "away": away, "new": new}


@pytest.mark.django_db
def test_it_shows_who_has_not_been_met_for_a_week_first(client_for, chloe, housed):
    response = client_for(chloe).get(URL)
    rows = {row.nickname: row for row in response.context["page_obj"]}
    assert list(rows)[0] == "À l’hôpital"  # never met, housed 40 days ago, but known to be away
    missing = rows["Introuvable"]
    assert (missing.last_seen, missing.days_unseen, missing.alert) == (TODAY - 12 * DAY, 12, True)
    assert not rows["À l’hôpital"].alert and rows["À l’hôpital"].away is not None
    assert not rows["Vue Hier"].alert and not rows["Nouvelle"].alert
    alerts = client_for(chloe).get(URL, {"alerte": "1"})
    assert [row.nickname for row in alerts.context["page_obj"]] == ["Introuvable"]
    assert "12 jours" in alerts.content.decode()


@pytest.mark.django_db
def test_it_counts_the_visits_planned_and_made_in_the_week(client_for, marc):
    stay = PlacementFactory(start=TODAY - 40 * DAY)
    _done(stay, THIS_MONDAY)
    VisitFactory(placement=stay, planned_on=THIS_MONDAY + 3 * DAY)
    VisitFactory(placement=stay, planned_on=THIS_MONDAY + DAY, status=VisitStatus.CANCELLED)
    _done(stay, THIS_MONDAY + 2 * DAY, unplanned=True)
    _done(stay, THIS_MONDAY - WEEK)
    (row,) = client_for(marc).get(URL).context["page_obj"]
    assert (row.planned, row.done) == (2, 2)


@pytest.mark.django_db
def test_it_shows_another_week(client_for, alice):
    old = PlacementFactory(start=TODAY - 60 * DAY, end=TODAY - 20 * DAY, exit_destination="chrs")
    _done(old, THIS_MONDAY - 5 * WEEK)
    _done(old, TODAY - 21 * DAY)  # after that week: not known then
    response = client_for(alice).get(URL, {"semaine": (THIS_MONDAY - 4 * WEEK).isoformat()})
    (row,) = response.context["page_obj"]
    assert (row.stay_id, row.last_seen) == (old.pk, THIS_MONDAY - 5 * WEEK)
    assert row.days_unseen == 13 and row.alert  # counted on that week's Sunday


@pytest.mark.django_db
def test_it_is_for_the_staff_and_answers_only_get(client_for, ada, alice):
    assert client_for(ada).get(URL).status_code == 403
    assert client_for(alice).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, chloe):
    client = client_for(chloe)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    for _ in range(2):
        stay = PlacementFactory(start=TODAY - 20 * DAY)
        _done(stay, TODAY - DAY)
    Absence.objects.create(placement=stay, start=TODAY - DAY, reason="travel")
    with_two = count_queries()
    for n in range(48):
        stay = PlacementFactory(start=TODAY - 20 * DAY)
        _done(stay, TODAY - (n % 10) * DAY)
        if n % 7 == 0:
            Absence.objects.create(placement=stay, start=TODAY - DAY, reason="travel")
    # session, user, groups; the totals (people housed, those with their two visits); the
    # page's stays, sorted and counted by the database, with residents and hotels; their
    # absences under way; the session saved: nothing per person (50 a page).
    assert count_queries() == with_two == 3 + 3 + 3


@pytest.mark.django_db
def test_it_draws_each_line_with_its_badge(client_for, chloe, housed):
    page = " ".join(client_for(chloe).get(URL).content.decode().split())
    away = housed["away"]
    hospital = away.absences.get().get_reason_display()
    resident_url = reverse("residents:resident_detail", args=[away.resident_id])
    assert (
        f'<tr data-testid="follow-up-row"><td><a href="{resident_url}">À l’hôpital</a>'
        f'<div class="small text-body-secondary d-md-none">{away.place.hotel.name}</div></td>'
        f'<td class="d-none d-md-table-cell">{away.place.hotel.name} '
        f'<span class="small text-body-secondary">{away.place.label}</span></td>'
    ) in page
    assert (
        '<td><span class="text-body-secondary">jamais</span> <span class="badge text-bg-light '
        f'border">absent·e: {hospital}</span></td>'
    ) in page
    assert '<td class="text-end text-danger">0</td>' in page
    assert '<span class="badge text-bg-danger">12 jours</span>' in page


@pytest.mark.django_db
def test_it_says_when_nobody_is_housed(client_for, chloe):
    assert "Personne à afficher." in client_for(chloe).get(URL).content.decode()


@pytest.mark.django_db
def test_it_shows_fifty_people_a_page_longest_unseen_first(client_for, chloe):
    for n in range(51):
        PlacementFactory(start=TODAY - (n + 1) * DAY, resident__nickname=f"Personne {n:02}")
    first = client_for(chloe).get(URL).context["page_obj"]
    second = client_for(chloe).get(URL, {"page": 2}).context["page_obj"]
    assert len(first) == 50 and [row.nickname for row in second] == ["Personne 00"]
    assert first[0].nickname == "Personne 50"


@pytest.mark.django_db
def test_it_sorts_people_unseen_as_long_by_name_as_written(client_for, chloe):
    for nickname in ("Élodie", "alice", "Zoé"):
        PlacementFactory(start=TODAY - 3 * DAY, resident__nickname=nickname)
    rows = client_for(chloe).get(URL).context["page_obj"]
    # Capitals first, accented letters last: the order the page has always had.
    assert [row.nickname for row in rows] == ["Zoé", "alice", "Élodie"]


@pytest.mark.django_db
def test_it_builds_its_statements_once_and_reads_fresh_figures(client_for, chloe, housed, settings):
    from visits import selectors

    client = client_for(chloe)
    before = client.get(URL).context
    built = selectors._follow_up_sql.cache_info().misses
    _done(housed["new"], TODAY)  # the same week and day: the statements kept, not the figures
    _done(housed["new"], TODAY, unplanned=True)
    after = client.get(URL).context
    rows = {row.nickname: row for row in after["page_obj"]}
    assert selectors._follow_up_sql.cache_info().misses == built
    assert (rows["Nouvelle"].done, rows["Nouvelle"].days_unseen) == (2, 0)
    assert (after["housed"], after["complete"]) == (4, before["complete"] + 1)
    alerts = client.get(URL, {"alerte": "1"}).context["page_obj"]
    assert [row.nickname for row in alerts] == ["Introuvable"]
    settings.VISIT_ALERT_DAYS = 13  # part of the filter: another statement
    assert list(client.get(URL, {"alerte": "1"}).context["page_obj"]) == []
