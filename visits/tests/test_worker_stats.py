import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import StaffAvailabilityFactory, UserFactory, VisitFactory
from visits.models import Outcome, VisitStatus
from visits.tests.conftest import DAY, TODAY

URL = reverse("visits:workers")


@pytest.mark.django_db
def test_it_counts_each_workers_visits_planned_made_and_not_made(client_for, chloe):
    lea = StaffAvailabilityFactory(user__last_name="Moreau").user
    karim = UserFactory(last_name="Benali")
    idle = StaffAvailabilityFactory(user__last_name="Zola").user
    made = {"status": VisitStatus.DONE, "outcome": Outcome.SEEN, "logged_at": timezone.now()}
    VisitFactory(worker=lea, partner=karim, planned_on=TODAY - 3 * DAY, **made)
    VisitFactory(worker=lea, planned_on=TODAY - 2 * DAY, status=VisitStatus.MISSED)
    VisitFactory(worker=lea, planned_on=TODAY - DAY)  # never logged: not made
    VisitFactory(worker=karim, partner=lea, planned_on=TODAY)  # still to come
    VisitFactory(worker=lea, planned_on=TODAY - DAY, status=VisitStatus.CANCELLED)
    VisitFactory(worker=lea, planned_on=TODAY - 40 * DAY, **made)  # before the period

    response = client_for(chloe).get(URL)

    rows = {row.user: row for row in response.context["rows"]}
    assert [row.user for row in response.context["rows"]] == [karim, lea, idle]
    assert (rows[lea].planned, rows[lea].done, rows[lea].missed, rows[lea].to_come) == (4, 1, 2, 1)
    assert (rows[karim].planned, rows[karim].done, rows[karim].missed) == (2, 1, 0)
    assert rows[idle].planned == 0 and rows[idle].done_rate is None
    assert round(rows[lea].done_rate) == 33


@pytest.mark.django_db
def test_it_reads_the_period_and_refuses_an_inverted_one(client_for, marc):
    lea = StaffAvailabilityFactory().user
    VisitFactory(worker=lea, planned_on=TODAY - 40 * DAY, status=VisitStatus.MISSED)
    period = {"start": (TODAY - 50 * DAY).isoformat(), "end": (TODAY - 30 * DAY).isoformat()}
    (row,) = client_for(marc).get(URL, period).context["rows"]
    assert row.missed == 1
    inverted = client_for(marc).get(URL, {"start": TODAY, "end": TODAY - DAY})
    assert "La date de fin doit être postérieure à la date de début." in inverted.content.decode()
    assert inverted.context["start"] == TODAY - 27 * DAY


@pytest.mark.django_db
def test_it_is_for_the_coordinator_and_the_manager(client_for, alice, ada, chloe):
    assert client_for(alice).get(URL).status_code == 403
    assert client_for(ada).get(URL).status_code == 403
    assert client_for(chloe).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_budget(client_for, chloe):
    client = client_for(chloe)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    VisitFactory(worker=StaffAvailabilityFactory().user, planned_on=TODAY - DAY)
    with_one = count_queries()
    workers = [StaffAvailabilityFactory().user for _ in range(8)]
    for n in range(48):
        VisitFactory(
            worker=workers[n % 8], partner=workers[(n + 3) % 8], planned_on=TODAY - n % 20 * DAY
        )
    # session, user, groups; visits per worker; per second worker; who is on the roster;
    # the users: nothing per worker.
    assert count_queries() == with_one
