import pytest
from django.urls import reverse

from visits.models import Leave
from visits.tests.conftest import DAY, TODAY


def _create_url(user) -> str:
    return reverse("visits:leave_create", args=[user.pk])


@pytest.mark.django_db
def test_it_records_a_leave(client_for, chloe, alice):
    response = client_for(chloe).post(
        _create_url(alice),
        {"start": TODAY + DAY, "end": TODAY + 8 * DAY, "reason": "holiday"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:availability_update", args=[alice.pk])
    leave = Leave.objects.get()
    assert (leave.user, leave.start, leave.end) == (alice, TODAY + DAY, TODAY + 8 * DAY)


@pytest.mark.django_db
def test_it_refuses_an_overlapping_or_inverted_period(client_for, chloe, alice):
    Leave.objects.create(user=alice, start=TODAY, end=TODAY + 5 * DAY)
    client = client_for(chloe)
    overlapping = client.post(
        _create_url(alice), {"start": TODAY + 2 * DAY, "end": "", "reason": "training"}
    )
    assert "Cette personne est déjà absente sur une partie de cette période." in (
        overlapping.content.decode()
    )
    inverted = client.post(
        _create_url(alice), {"start": TODAY + 9 * DAY, "end": TODAY + 8 * DAY, "reason": "other"}
    )
    assert "La date de fin doit être postérieure à la date de début." in inverted.content.decode()
    assert Leave.objects.count() == 1


@pytest.mark.django_db
def test_it_updates_a_leave_of_this_worker_only(client_for, chloe, alice, nina):
    leave = Leave.objects.create(user=alice, start=TODAY, end=TODAY + 5 * DAY)
    client = client_for(chloe)
    url = reverse("visits:leave_update", args=[alice.pk, leave.pk])
    assert client.get(url).context["form"]["start"].value() == TODAY
    client.post(url, {"start": TODAY, "end": TODAY + 3 * DAY, "reason": "holiday"})
    leave.refresh_from_db()
    assert leave.end == TODAY + 3 * DAY
    assert client.get(reverse("visits:leave_update", args=[nina.pk, leave.pk])).status_code == 404


@pytest.mark.django_db
def test_it_is_for_the_coordinator(client_for, alice, marc):
    assert client_for(marc).get(_create_url(alice)).status_code == 403
    assert client_for(alice).post(_create_url(alice), {"start": TODAY}).status_code == 403
    assert not Leave.objects.exists()
