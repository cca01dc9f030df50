"""The home cards: my visits today, follow-up alerts by role, people not seen for a week."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.navigation import menu_for
from tests.factories import PlacementFactory, StaffAvailabilityFactory, VisitFactory
from visits.models import Outcome, VisitStatus
from visits.tests.conftest import DAY, TODAY

HOME = reverse("home")


def _cards(client) -> dict:
    return dict(client.get(HOME).context["cards"])


def _done(**kwargs):
    return VisitFactory(
        status=VisitStatus.DONE, outcome=Outcome.SEEN, logged_at=timezone.now(), **kwargs
    )


@pytest.mark.django_db
def test_it_shows_a_worker_their_visits_of_the_day(client_for, alice, marc):
    StaffAvailabilityFactory(user=alice)
    VisitFactory(worker=alice)
    VisitFactory(partner=alice, worker=StaffAvailabilityFactory().user)
    VisitFactory(worker=alice, status=VisitStatus.MISSED)
    VisitFactory(worker=alice, planned_on=TODAY + DAY)
    card = _cards(client_for(alice))["visits/card_today.html"]
    assert card == {"total": 3, "logged": 1, "to_do": 2}
    assert "visits/card_today.html" not in _cards(client_for(marc))


@pytest.mark.django_db
def test_it_sends_a_medical_concern_to_the_medical_team(client_for, alice, nina, paul, chloe):
    medical = _done(follow_up_reason="medical")
    social = _done(follow_up_reason="social")
    _done(follow_up_reason="medical", follow_up_closed_at=timezone.now())

    nurse_card = _cards(client_for(nina))["visits/card_follow_ups.html"]
    assert nurse_card["alerts"] == [medical]
    assert _cards(client_for(paul))["visits/card_follow_ups.html"]["alerts"] == [medical]
    assert _cards(client_for(alice))["visits/card_follow_ups.html"]["alerts"] == [social]
    assert _cards(client_for(chloe))["visits/card_follow_ups.html"]["alerts"] == [social]
    assert medical.resident.nickname in client_for(nina).get(HOME).content.decode()


@pytest.mark.django_db
def test_it_flags_the_people_not_met_for_a_week(client_for, chloe, alice, marc, ada, settings):
    settings.VISIT_ALERT_DAYS = 7
    unseen = PlacementFactory(start=TODAY - 30 * DAY, resident__nickname="Introuvable")
    _done(placement=unseen, planned_on=TODAY - 7 * DAY)
    seen = PlacementFactory(start=TODAY - 30 * DAY)
    _done(placement=seen, planned_on=TODAY - 6 * DAY)
    PlacementFactory(start=TODAY - 3 * DAY)  # arrived three days ago

    for user in (chloe, alice, marc):
        card = _cards(client_for(user))["visits/card_not_seen.html"]
        assert [row.resident for row in card["rows"]] == [unseen.resident]
        assert card["count"] == 1
    page = client_for(chloe).get(HOME).content.decode()
    assert "Pas vu·es depuis 7 jours" in page and "Introuvable" in page
    assert "visits/card_not_seen.html" not in _cards(client_for(ada))

    settings.VISIT_ALERT_DAYS = 8
    assert _cards(client_for(chloe))["visits/card_not_seen.html"]["count"] == 0


@pytest.mark.django_db
def test_a_stay_begun_lately_counts_from_the_last_meeting_before_it(settings):
    from visits.selectors import residents_not_seen

    settings.VISIT_ALERT_DAYS = 7
    first = PlacementFactory(start=TODAY - 30 * DAY, end=TODAY - 2 * DAY, exit_destination="street")
    _done(placement=first, planned_on=TODAY - 10 * DAY)
    back = PlacementFactory(resident=first.resident, start=TODAY - 2 * DAY)
    PlacementFactory(start=TODAY - 2 * DAY)  # new, never met: not yet flagged
    flagged, total = residents_not_seen()
    assert [(row.stay, row.last_seen, row.days_unseen) for row in flagged] == [
        (back, TODAY - 10 * DAY, 10)
    ]
    assert total == 1


@pytest.mark.django_db
def test_it_adds_the_visit_pages_to_the_menu(alice, chloe, marc, ada):
    today, week = reverse("visits:today"), reverse("visits:week")
    assert {today, week} <= {entry["url"] for entry in menu_for(alice)}
    assert {today, week} <= {entry["url"] for entry in menu_for(chloe)}
    marc_urls = {entry["url"] for entry in menu_for(marc)}
    assert week in marc_urls and today not in marc_urls
    assert not {today, week} & {entry["url"] for entry in menu_for(ada)}


@pytest.mark.django_db
def test_the_not_seen_list_is_one_query_whatever_the_number_of_people():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from visits.selectors import residents_not_seen

    for n in range(30):
        stay = PlacementFactory(start=TODAY - 40 * DAY)
        if n % 2:
            _done(placement=stay, planned_on=TODAY - (n % 12) * DAY)
    with CaptureQueriesContext(connection) as queries:
        flagged, total = residents_not_seen()
    assert len(queries) == 1
    assert len(flagged) == total == 15 + 6  # never met (from the entry); met 7, 9 or 11 days ago
    assert [row.days_unseen for row in flagged] == sorted(
        (row.days_unseen for row in flagged), reverse=True
    )
    with CaptureQueriesContext(connection) as queries:
        first, total = residents_not_seen(limit=5)
    assert len(queries) == 1
    assert (first, total) == (flagged[:5], 21)
