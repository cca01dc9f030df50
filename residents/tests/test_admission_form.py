import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import AdmissionRequest, AdmissionStatus, Resident
from tests.factories import AdmissionRequestFactory, ResidentFactory

CREATE = reverse("residents:admission_create")
TODAY = timezone.localdate()


def _data(**overrides):
    data = {
        "nickname": "Grizzly",
        "first_name": "",
        "last_name": "",
        "birth_year": "1975",
        "gender": "man",
        "received_on": TODAY.isoformat(),
        "referring_structure": "outreach",
        "referrer_name": "Équipe de maraude",
        "referrer_contact": "01 40 00 00 00",
        "psychic_situation": "4",
        "isolation": "3",
        "vulnerability": "2",
        "observations": "Dort sous le pont depuis l’hiver.",
        "confirm_minor": "False",
        "confirm_duplicate": "False",
        "form_token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


def _for(resident):
    return f"{CREATE}?resident={resident.pk}"


@pytest.mark.django_db
def test_it_opens_a_file_with_the_request_of_a_new_person(client_for, chloe):
    response = client_for(chloe).post(CREATE, _data(), follow=True)
    request = AdmissionRequest.objects.select_related("resident").get()
    assert response.redirect_chain[-1][0] == reverse(
        "residents:admission_detail", args=[request.pk]
    )
    assert "La demande d’admission a été enregistrée." in response.content.decode()
    assert (request.resident.nickname, request.resident.birth_year) == ("Grizzly", 1975)
    assert request.resident.created_by == chloe and request.created_by == chloe
    assert request.status == AdmissionStatus.WAITING
    assert request.priority().total == 3 * 4 + 2 * 3 + 2 * 2


@pytest.mark.django_db
def test_it_makes_a_request_for_a_known_person(client_for, alice):
    resident = ResidentFactory(nickname="Bambou")
    page = client_for(alice).get(_for(resident)).content.decode()
    assert "Nouvelle demande d’admission pour Bambou" in page
    assert 'name="nickname"' not in page
    response = client_for(alice).post(_for(resident), _data(nickname=""))
    assert response.status_code == 302
    assert AdmissionRequest.objects.get().resident == resident
    assert Resident.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_second_waiting_request_for_the_same_person(client_for, alice):
    waiting = AdmissionRequestFactory()
    response = client_for(alice).post(_for(waiting.resident), _data())
    assert "Cette personne a déjà une demande sur la liste d’attente." in response.content.decode()
    assert AdmissionRequest.objects.count() == 1


@pytest.mark.django_db
def test_it_requires_the_three_levels_and_a_name(client_for, chloe):
    response = client_for(chloe).post(
        CREATE, _data(nickname="", psychic_situation="", isolation="5", vulnerability="")
    )
    assert set(response.context["form"].errors) >= {
        "nickname",
        "psychic_situation",
        "isolation",
        "vulnerability",
    }
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not AdmissionRequest.objects.exists() and not Resident.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_request_dated_in_the_future(client_for, chloe):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client_for(chloe).post(CREATE, _data(received_on=tomorrow))
    assert "La demande ne peut pas être datée dans le futur." in response.content.decode()
    assert not AdmissionRequest.objects.exists() and not Resident.objects.exists()


@pytest.mark.django_db
def test_it_asks_to_confirm_a_possible_minor(client_for, chloe):
    data = _data(birth_year=str(TODAY.year - 16))
    response = client_for(chloe).post(CREATE, data)
    assert "Cette personne a peut-être moins de 18 ans" in response.content.decode()
    assert not Resident.objects.exists()
    assert client_for(chloe).post(CREATE, {**data, "confirm_minor": "on"}).status_code == 302


@pytest.mark.django_db
def test_it_warns_of_a_known_person_and_offers_their_file(client_for, chloe):
    known = ResidentFactory(nickname="Grizzly", birth_year=1975)
    response = client_for(chloe).post(CREATE, _data(nickname="grizly"))
    page = response.content.decode()
    assert "Doublon possible." in page
    assert f"{CREATE}?resident={known.pk}" in page
    assert not AdmissionRequest.objects.exists()
    assert Resident.objects.count() == 1


@pytest.mark.django_db
def test_it_saves_a_double_submission_once(client_for, chloe):
    data = _data()
    client = client_for(chloe)
    assert client.post(CREATE, data).status_code == 302
    replay = client.post(CREATE, data)
    assert "Ce formulaire a déjà été envoyé" in replay.content.decode()
    assert AdmissionRequest.objects.count() == 1
    assert Resident.objects.count() == 1


@pytest.mark.django_db
def test_it_updates_a_waiting_request(client_for, alice):
    request = AdmissionRequestFactory(received_on=TODAY - datetime.timedelta(days=5))
    url = reverse("residents:admission_update", args=[request.pk])
    data = _data(isolation="4", last_news_on=TODAY.isoformat())
    assert client_for(alice).post(url, data).status_code == 302
    request.refresh_from_db()
    assert (request.isolation, request.last_news_on) == (4, TODAY)


@pytest.mark.django_db
def test_it_refuses_news_older_than_the_request(client_for, alice):
    request = AdmissionRequestFactory(received_on=TODAY)
    url = reverse("residents:admission_update", args=[request.pk])
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = client_for(alice).post(url, _data(last_news_on=yesterday))
    assert "Des nouvelles ne peuvent pas précéder la demande." in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_news_dated_in_the_future(client_for, alice):
    request = AdmissionRequestFactory(received_on=TODAY)
    url = reverse("residents:admission_update", args=[request.pk])
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client_for(alice).post(url, _data(last_news_on=tomorrow))
    assert "Cette date ne peut pas être dans le futur." in response.content.decode()
    request.refresh_from_db()
    assert request.last_news_on is None


@pytest.mark.django_db
def test_it_answers_404_for_a_decided_or_unknown_request(client_for, alice):
    decided = AdmissionRequestFactory(status=AdmissionStatus.LOST, decided_on=TODAY)
    for pk in (decided.pk, 999999):
        url = reverse("residents:admission_update", args=[pk])
        assert client_for(alice).post(url, _data()).status_code == 404


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_or_archived_person(client_for, alice, chloe):
    archived = ResidentFactory()
    archived.archive(by=chloe)
    assert client_for(alice).get(_for(archived)).status_code == 404
    assert client_for(alice).get(f"{CREATE}?resident=999999").status_code == 404
    assert client_for(alice).get(f"{CREATE}?resident=abc").status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_manager_and_the_admin(client_for, marc, ada):
    for user in (marc, ada):
        assert client_for(user).post(CREATE, _data()).status_code == 403
    assert not AdmissionRequest.objects.exists()
