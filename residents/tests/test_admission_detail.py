import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory

TODAY = timezone.localdate()


def _url(request):
    return reverse("residents:admission_detail", args=[request.pk])


@pytest.mark.django_db
def test_it_explains_the_score(client_for, marc):
    request = AdmissionRequestFactory(psychic_situation=3, isolation=4, vulnerability=1)
    response = client_for(marc).get(_url(request))
    assert response.status_code == 200
    score = response.context["score"]
    assert [(p.level, p.weight, p.points) for p in score.breakdown] == [
        (3, 3, 9),
        (4, 2, 8),
        (1, 2, 2),
    ]
    page = response.content.decode()
    assert "19<span" in page and "/28" in page
    assert "3 – Grave : trouble psychiatrique sans suivi" in page
    assert "4 – Coupé·e de tout" in page


@pytest.mark.django_db
def test_it_records_the_access_to_the_persons_file(client_for, alice):
    request = AdmissionRequestFactory()
    client_for(alice).get(_url(request))
    access = AccessLog.objects.get()
    assert (access.user, access.resident) == (alice, request.resident)


@pytest.mark.django_db
def test_it_offers_the_decision_to_the_coordinator_only(client_for, chloe, alice, marc):
    request = AdmissionRequestFactory()
    admit = reverse("residents:admission_admit", args=[request.pk])
    assert admit in client_for(chloe).get(_url(request)).content.decode()
    for user in (alice, marc):
        assert admit not in client_for(user).get(_url(request)).content.decode()


@pytest.mark.django_db
def test_it_shows_a_decided_request_without_actions(client_for, chloe):
    request = AdmissionRequestFactory(
        status=AdmissionStatus.REFUSED, decided_on=TODAY, decided_by=chloe, decision_reason="LHSS"
    )
    response = client_for(chloe).get(_url(request))
    page = response.content.decode()
    assert "Refusé·e" in page and "LHSS" in page
    assert reverse("residents:admission_admit", args=[request.pk]) not in page
    assert reverse("residents:admission_update", args=[request.pk]) not in page


@pytest.mark.django_db
def test_it_flags_a_request_to_review(client_for, alice):
    request = AdmissionRequestFactory(received_on=TODAY - datetime.timedelta(days=120))
    assert (
        "à revoir : pas de nouvelles depuis longtemps"
        in client_for(alice).get(_url(request)).content.decode()
    )


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_request(client_for, alice):
    assert (
        client_for(alice).get(reverse("residents:admission_detail", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_forbids_the_admin(client_for, ada):
    request = AdmissionRequestFactory()
    assert client_for(ada).get(_url(request)).status_code == 403
    assert not AccessLog.objects.exists()
