import pytest
from django.urls import reverse

from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory


def _refuse(client, request, reason):
    url = reverse("residents:admission_refuse", args=[request.pk])
    return client.post(url, {"refuse-reason": reason}, follow=True)


@pytest.mark.django_db
def test_it_refuses_with_a_reason(client_for, chloe):
    request = AdmissionRequestFactory(resident__nickname="Bambou")
    response = _refuse(client_for(chloe), request, "Relève d’un LHSS")
    assert "La demande de « Bambou » a été refusée." in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.decision_reason, request.decided_by) == (
        AdmissionStatus.REFUSED,
        "Relève d’un LHSS",
        chloe,
    )


@pytest.mark.django_db
def test_it_requires_a_reason(client_for, chloe):
    request = AdmissionRequestFactory()
    response = _refuse(client_for(chloe), request, "   ")
    assert "Ce champ est obligatoire." in response.content.decode()
    request.refresh_from_db()
    assert request.status == AdmissionStatus.WAITING and request.decided_on is None


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_refuse(client_for, alice, marc):
    request = AdmissionRequestFactory()
    for user in (alice, marc):
        assert _refuse(client_for(user), request, "Non").status_code == 403
    request.refresh_from_db()
    assert request.status == AdmissionStatus.WAITING


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_request(client_for, chloe):
    url = reverse("residents:admission_refuse", args=[999999])
    assert client_for(chloe).post(url, {"refuse-reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_it_only_refuses_on_post(client_for, chloe):
    request = AdmissionRequestFactory()
    assert (
        client_for(chloe).get(reverse("residents:admission_refuse", args=[request.pk])).status_code
        == 405
    )
