import pytest
from django.urls import reverse

from privacy.models import AccessLog
from tests.factories import AdmissionRequestFactory, ResidentFactory


def _url(resident):
    return reverse("residents:access_log", args=[resident.pk])


@pytest.mark.django_db
def test_it_shows_the_manager_who_opened_a_file_and_when(client_for, alice, nina, marc):
    resident = ResidentFactory(nickname="Bambou")
    other = ResidentFactory()
    client_for(alice).get(reverse("residents:resident_detail", args=[resident.pk]))
    request = AdmissionRequestFactory(resident=resident)
    client_for(nina).get(reverse("residents:admission_detail", args=[request.pk]))
    client_for(nina).get(reverse("residents:resident_detail", args=[other.pk]))
    response = client_for(marc).get(_url(resident))
    assert response.status_code == 200
    rows = [(access.user.username, access.page) for access in response.context["page_obj"]]
    assert rows == [
        ("nina", reverse("residents:admission_detail", args=[request.pk])),
        ("alice", reverse("residents:resident_detail", args=[resident.pk])),
    ]
    assert str(alice) in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_no_content_of_the_file(client_for, alice):
    resident = ResidentFactory(nickname="Bambou", first_name="Secret", phone="06 11 22 33 44")
    client_for(alice).get(reverse("residents:resident_detail", args=[resident.pk]))
    stored = AccessLog.objects.values().get()
    assert "Secret" not in str(stored) and "06 11" not in str(stored)


@pytest.mark.django_db
def test_it_does_not_log_reading_the_log(client_for, marc):
    resident = ResidentFactory()
    client_for(marc).get(_url(resident))
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_it_says_when_nobody_opened_the_file(client_for, marc):
    page = client_for(marc).get(_url(ResidentFactory())).content.decode()
    assert "Personne n’a encore ouvert ce dossier." in page


@pytest.mark.django_db
def test_it_is_for_the_manager_only(client_for, alice, chloe, ada):
    resident = ResidentFactory()
    for user in (alice, chloe, ada):
        assert client_for(user).get(_url(resident)).status_code == 403


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_file(client_for, marc):
    assert client_for(marc).get(reverse("residents:access_log", args=[999999])).status_code == 404
