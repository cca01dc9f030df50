import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.navigation import menu_for
from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory

TODAY = timezone.localdate()


@pytest.mark.django_db
def test_it_shows_the_waiting_list_card_to_the_staff(client_for, chloe, ada):
    AdmissionRequestFactory()
    AdmissionRequestFactory(received_on=TODAY - datetime.timedelta(days=100))
    AdmissionRequestFactory(status=AdmissionStatus.ADMITTED, decided_on=TODAY)
    response = client_for(chloe).get(reverse("home"))
    card = dict(response.context["cards"])["residents/card_waiting_list.html"]
    assert card == {"waiting": 2, "to_review": 1, "admitted_without_place": 1}
    assert "1 à revoir" in response.content.decode()
    admin_cards = dict(client_for(ada).get(reverse("home")).context["cards"])
    assert "residents/card_waiting_list.html" not in admin_cards


@pytest.mark.django_db
def test_it_adds_residents_and_the_waiting_list_to_the_menu(alice, ada):
    urls = [entry["url"] for entry in menu_for(alice)]
    assert reverse("residents:resident_list") in urls
    assert reverse("residents:waiting_list") in urls
    assert reverse("residents:resident_list") not in [entry["url"] for entry in menu_for(ada)]
