import pytest
from django.urls import reverse

from tests.factories import VisitFactory
from visits.models import VisitStatus
from visits.roster import roster_generate
from visits.tests.conftest import NEXT_MONDAY


def _url(visit) -> str:
    return reverse("visits:visit_cancel", args=[visit.pk])


@pytest.mark.django_db
def test_it_cancels_a_planned_visit_for_good(client_for, chloe):
    visit = VisitFactory(planned_on=NEXT_MONDAY)
    response = client_for(chloe).post(_url(visit), follow=True)
    assert f"La visite à {visit.resident.nickname} est annulée." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.manually_edited) == (VisitStatus.CANCELLED, True)
    roster_generate(week=NEXT_MONDAY)
    assert visit.resident.visits.not_cancelled().filter(planned_on__gte=NEXT_MONDAY).count() == 1


@pytest.mark.django_db
def test_it_does_not_cancel_a_visit_already_made(client_for, chloe):
    visit = VisitFactory(status=VisitStatus.MISSED)
    response = client_for(chloe).post(_url(visit), follow=True)
    assert "Seule une visite prévue peut être annulée." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.MISSED


@pytest.mark.django_db
def test_it_is_for_the_coordinator_and_answers_only_post(client_for, alice, chloe):
    visit = VisitFactory()
    assert client_for(alice).post(_url(visit)).status_code == 403
    assert client_for(chloe).get(_url(visit)).status_code == 405
    assert client_for(chloe).post(reverse("visits:visit_cancel", args=[999999])).status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
