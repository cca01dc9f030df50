import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import AdmissionStatus
from tests.factories import AdmissionRequestFactory


def _admit(client, request, **data):
    return client.post(reverse("residents:admission_admit", args=[request.pk]), data, follow=True)


@pytest.mark.django_db
def test_it_admits_a_waiting_request(client_for, chloe):
    request = AdmissionRequestFactory(resident__nickname="Bambou")
    response = _admit(
        client_for(chloe), request, **{"admit-reason": "Place libérée à l’Hôtel du Canal"}
    )
    assert "« Bambou » est admis·e et attend maintenant une place." in response.content.decode()
    request.refresh_from_db()
    assert request.status == AdmissionStatus.ADMITTED
    assert (request.decided_on, request.decided_by) == (timezone.localdate(), chloe)
    assert request.decision_reason == "Place libérée à l’Hôtel du Canal"


@pytest.mark.django_db
def test_it_moves_the_person_to_admitted_without_a_place(client_for, chloe):
    request = AdmissionRequestFactory()
    _admit(client_for(chloe), request)
    waiting_list = client_for(chloe).get(reverse("residents:waiting_list"))
    assert list(waiting_list.context["page_obj"]) == []
    assert waiting_list.context["admitted"] == [request]


@pytest.mark.django_db
def test_it_refuses_to_decide_twice(client_for, chloe):
    request = AdmissionRequestFactory(status=AdmissionStatus.LOST, decided_on=timezone.localdate())
    response = _admit(client_for(chloe), request)
    assert "Cette demande a déjà fait l’objet d’une décision." in response.content.decode()
    request.refresh_from_db()
    assert request.status == AdmissionStatus.LOST


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_decide(client_for, alice, nina, paul, marc, ada):
    request = AdmissionRequestFactory()
    for user in (alice, nina, paul, marc, ada):
        assert _admit(client_for(user), request).status_code == 403
    request.refresh_from_db()
    assert request.status == AdmissionStatus.WAITING


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_request(client_for, chloe):
    response = client_for(chloe).post(reverse("residents:admission_admit", args=[999999]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_only_admits_on_post(client_for, chloe):
    request = AdmissionRequestFactory()
    response = client_for(chloe).get(reverse("residents:admission_admit", args=[request.pk]))
    assert response.status_code == 405
    request.refresh_from_db()
    assert request.status == AdmissionStatus.WAITING
