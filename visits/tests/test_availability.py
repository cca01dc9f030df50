"""Who is on the roster and on which days: kept by the coordinator, read by the manager."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import StaffAvailabilityFactory, UserFactory
from visits.models import Leave, StaffAvailability
from visits.tests.conftest import DAY, TODAY

LIST = reverse("visits:availability_list")


def _url(user) -> str:
    return reverse("visits:availability_update", args=[user.pk])


@pytest.mark.django_db
def test_it_lists_the_care_team_with_days_and_coming_leave(client_for, chloe, alice, nina, ada):
    StaffAvailabilityFactory(user=alice, weekdays=[0, 3])
    Leave.objects.create(user=alice, start=TODAY + 5 * DAY, end=TODAY + 12 * DAY)
    Leave.objects.create(user=alice, start=TODAY - 30 * DAY, end=TODAY - 20 * DAY)
    response = client_for(chloe).get(LIST)
    people = list(response.context["people"])
    assert alice in people and nina in people and ada not in people
    page = response.content.decode()
    assert "lundi, jeudi" in page and "hors planning" in page
    row = next(person for person in people if person == alice)
    assert [leave.start for leave in row.coming_leaves] == [TODAY + 5 * DAY]
    assert _url(alice) in page


@pytest.mark.django_db
def test_it_puts_someone_on_the_roster(client_for, chloe, nina):
    client = client_for(chloe)
    assert client.get(_url(nina)).status_code == 200
    response = client.post(_url(nina), {"weekdays": ["0", "1", "3"], "on_roster": "on"})
    assert response.status_code == 302
    availability = StaffAvailability.objects.get(user=nina)
    assert (availability.weekdays, availability.on_roster) == ([0, 1, 3], True)
    client.post(_url(nina), {"weekdays": ["4"]})
    availability.refresh_from_db()
    assert (availability.weekdays, availability.on_roster) == ([4], False)


@pytest.mark.django_db
def test_it_asks_for_the_days_worked(client_for, chloe, nina):
    response = client_for(chloe).post(_url(nina), {"on_roster": "on"})
    assert response.status_code == 200
    assert "Cochez les jours où cette personne travaille." in response.content.decode()
    assert not StaffAvailability.objects.exists()


@pytest.mark.django_db
def test_it_is_kept_by_the_coordinator_and_read_by_the_manager(client_for, alice, marc, chloe):
    assert client_for(marc).get(LIST).status_code == 200
    assert _url(alice) not in client_for(marc).get(LIST).content.decode()
    assert client_for(marc).get(_url(alice)).status_code == 403
    assert client_for(alice).get(LIST).status_code == 403
    assert client_for(chloe).post(LIST).status_code == 405


@pytest.mark.django_db
def test_it_answers_404_for_someone_outside_the_care_team(client_for, chloe, ada):
    assert client_for(chloe).get(_url(ada)).status_code == 404
    assert (
        client_for(chloe).get(reverse("visits:availability_update", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_list_keeps_a_fixed_query_budget(client_for, chloe):
    client = client_for(chloe)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    StaffAvailabilityFactory()
    with_two = count_queries()  # the coordinator and one worker
    for n in range(20):
        worker = UserFactory(roles=["nurse" if n % 3 else "social_worker"])
        StaffAvailabilityFactory(user=worker)
        Leave.objects.create(user=worker, start=TODAY + n * DAY, end=TODAY + (n + 3) * DAY)
    # session, user, groups; the care team with their availability; their groups; their leave.
    assert count_queries() == with_two
