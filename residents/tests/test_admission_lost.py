import pytest
from django.urls import reverse

from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory


def _close(client, request, reason=""):
    url = reverse("residents:admission_lost", args=[request.pk])
    return client.post(url, {"lost-reason": reason}, follow=True)


@pytest.mark.django_db
def test_it_closes_a_request_without_follow_up(client_for, chloe):
    request = AdmissionRequestFactory(resident__nickname="Bambou")
    response = _close(client_for(chloe), request, "Plus de nouvelles")
    assert "La demande de « Bambou » a été classée sans suite." in response.content.decode()
    request.refresh_from_db()
    assert request.status == AdmissionStatus.LOST
    assert request.decision_reason == "Plus de nouvelles"


@pytest.mark.django_db
def test_it_lets_the_person_be_referred_again_later(client_for, chloe):
    request = AdmissionRequestFactory()
    _close(client_for(chloe), request)
    again = AdmissionRequestFactory(resident=request.resident)
    assert again.is_waiting


@pytest.mark.django_db
def test_it_refuses_to_close_a_decided_request(client_for, chloe):
    request = AdmissionRequestFactory()
    _close(client_for(chloe), request)
    response = _close(client_for(chloe), request)
    assert "Cette demande a déjà fait l’objet d’une décision." in response.content.decode()


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_close(client_for, nina):
    request = AdmissionRequestFactory()
    assert _close(client_for(nina), request).status_code == 403
    request.refresh_from_db()
    assert request.status == AdmissionStatus.WAITING


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_request(client_for, chloe):
    assert (
        client_for(chloe).post(reverse("residents:admission_lost", args=[999999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_it_only_closes_on_post(client_for, chloe):
    request = AdmissionRequestFactory()
    assert (
        client_for(chloe).get(reverse("residents:admission_lost", args=[request.pk])).status_code
        == 405
    )
