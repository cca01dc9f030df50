import pytest
from django.urls import reverse

from tests.factories import PlacementFactory, StaffAvailabilityFactory
from visits.models import Visit
from visits.tests.conftest import NEXT_MONDAY, THIS_MONDAY, WEEK

URL = reverse("visits:week_generate")


@pytest.mark.django_db
def test_it_plans_the_missing_visits_of_the_week(client_for, chloe):
    StaffAvailabilityFactory()
    StaffAvailabilityFactory()
    PlacementFactory()
    client = client_for(chloe)

    response = client.post(URL, {"semaine": NEXT_MONDAY.isoformat()}, follow=True)

    assert response.redirect_chain == [(f"{reverse('visits:week')}?semaine={NEXT_MONDAY}", 302)]
    assert Visit.objects.in_week(NEXT_MONDAY).count() == 2
    assert "2 visites prévues pour 1 personne." in response.content.decode()
    again = client.post(URL, {"semaine": NEXT_MONDAY.isoformat()}, follow=True)
    assert "Rien à ajouter" in again.content.decode()
    assert Visit.objects.count() == 2


@pytest.mark.django_db
def test_it_warns_about_visits_without_a_worker(client_for, chloe):
    PlacementFactory()
    response = client_for(chloe).post(URL, {"semaine": NEXT_MONDAY.isoformat()}, follow=True)
    assert "2 visites n’ont pas d’intervenant" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_past_week(client_for, chloe):
    PlacementFactory()
    response = client_for(chloe).post(
        URL, {"semaine": (THIS_MONDAY - WEEK).isoformat()}, follow=True
    )
    assert "Une semaine passée ne peut pas être planifiée." in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_it_is_for_the_coordinator_and_answers_only_post(client_for, alice, marc, chloe):
    PlacementFactory()
    assert client_for(alice).post(URL, {"semaine": NEXT_MONDAY.isoformat()}).status_code == 403
    assert client_for(marc).post(URL, {"semaine": NEXT_MONDAY.isoformat()}).status_code == 403
    assert client_for(chloe).get(URL).status_code == 405
    assert not Visit.objects.exists()
