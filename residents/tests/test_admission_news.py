import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory

TODAY = timezone.localdate()


def _news(client, request):
    return client.post(reverse("residents:admission_news", args=[request.pk]), follow=True)


@pytest.mark.django_db
def test_it_records_news_and_clears_the_review_flag(client_for, alice):
    request = AdmissionRequestFactory(received_on=TODAY - datetime.timedelta(days=120))
    assert request.needs_review()
    response = _news(client_for(alice), request)
    assert "Nouvelles enregistrées aujourd’hui" in response.content.decode()
    request.refresh_from_db()
    assert request.last_news_on == TODAY
    assert not request.needs_review()


@pytest.mark.django_db
def test_it_answers_404_for_a_decided_or_unknown_request(client_for, alice):
    decided = AdmissionRequestFactory(status=AdmissionStatus.LOST, decided_on=TODAY)
    assert _news(client_for(alice), decided).status_code == 404
    assert (
        client_for(alice).post(reverse("residents:admission_news", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc):
    request = AdmissionRequestFactory()
    assert _news(client_for(marc), request).status_code == 403
    request.refresh_from_db()
    assert request.last_news_on is None


@pytest.mark.django_db
def test_it_only_records_on_post(client_for, alice):
    request = AdmissionRequestFactory()
    assert (
        client_for(alice).get(reverse("residents:admission_news", args=[request.pk])).status_code
        == 405
    )
