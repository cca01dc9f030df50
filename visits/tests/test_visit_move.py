import pytest
from django.urls import reverse

from tests.factories import StaffAvailabilityFactory, VisitFactory
from visits.models import Visit, VisitStatus
from visits.tests.conftest import DAY, NEXT_MONDAY, TODAY


def _url(visit) -> str:
    return reverse("visits:visit_move", args=[visit.pk])


@pytest.mark.django_db
def test_it_moves_a_visit_and_marks_it_as_changed_by_hand(client_for, chloe):
    visit = VisitFactory(planned_on=NEXT_MONDAY)
    nina = StaffAvailabilityFactory(user__roles=["nurse"]).user  # on the roster, Monday–Friday
    client = client_for(chloe)
    assert client.get(_url(visit)).status_code == 200

    response = client.post(_url(visit), {"planned_on": NEXT_MONDAY + 2 * DAY, "worker": nina.pk})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.planned_on, visit.worker, visit.partner) == (NEXT_MONDAY + 2 * DAY, nina, None)
    assert visit.manually_edited


@pytest.mark.django_db
def test_it_refuses_a_past_day_and_saves_nothing(client_for, chloe):
    visit = VisitFactory(planned_on=NEXT_MONDAY)
    response = client_for(chloe).post(_url(visit), {"planned_on": TODAY - DAY})
    assert response.status_code == 400
    assert "Une visite ne peut pas être déplacée à un jour passé." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.planned_on, visit.manually_edited) == (NEXT_MONDAY, False)


@pytest.mark.django_db
def test_it_does_not_move_a_visit_already_logged(client_for, chloe):
    visit = VisitFactory(status=VisitStatus.MISSED)
    response = client_for(chloe).post(_url(visit), {"planned_on": NEXT_MONDAY})
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).planned_on == TODAY


@pytest.mark.django_db
def test_it_is_for_the_coordinator(client_for, alice, marc):
    visit = VisitFactory(planned_on=NEXT_MONDAY)
    assert client_for(alice).get(_url(visit)).status_code == 403
    assert client_for(marc).post(_url(visit), {"planned_on": NEXT_MONDAY}).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_and_405(client_for, chloe):
    assert client_for(chloe).get(reverse("visits:visit_move", args=[999999])).status_code == 404
    assert client_for(chloe).put(_url(VisitFactory())).status_code == 405
