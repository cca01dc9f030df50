import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import AdmissionStatus, Resident
from tests.factories import AdmissionRequestFactory, ResidentFactory


def _archive(client, resident):
    return client.post(reverse("residents:resident_archive", args=[resident.pk]), follow=True)


@pytest.mark.django_db
def test_it_archives_a_file_without_deleting_it(client_for, chloe):
    resident = ResidentFactory(nickname="Bambou")
    response = _archive(client_for(chloe), resident)
    assert "Le dossier de « Bambou » a été archivé." in response.content.decode()
    resident.refresh_from_db()
    assert resident.is_archived and resident.archived_by == chloe
    assert Resident.objects.count() == 1
    assert not Resident.objects.active().exists()


@pytest.mark.django_db
def test_it_asks_for_confirmation_in_the_page(client_for, chloe):
    resident = ResidentFactory()
    page = client_for(chloe).get(reverse("residents:resident_detail", args=[resident.pk]))
    assert 'data-confirm="Archiver ce dossier ?' in page.content.decode()


@pytest.mark.django_db
def test_it_opens_an_archived_file_again(client_for, chloe):
    resident = ResidentFactory()
    resident.archive(by=chloe)
    client_for(chloe).post(reverse("residents:resident_unarchive", args=[resident.pk]))
    resident.refresh_from_db()
    assert not resident.is_archived and resident.archived_by is None


@pytest.mark.django_db
def test_it_answers_404_when_archiving_twice_or_an_unknown_file(client_for, chloe):
    resident = ResidentFactory()
    resident.archive(by=chloe)
    assert _archive(client_for(chloe), resident).status_code == 404
    url = reverse("residents:resident_archive", args=[999999])
    assert client_for(chloe).post(url).status_code == 404


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_archive(client_for, alice, nina, marc, ada):
    resident = ResidentFactory()
    for user in (alice, nina, marc, ada):
        assert _archive(client_for(user), resident).status_code == 403
    resident.refresh_from_db()
    assert not resident.is_archived


@pytest.mark.django_db
def test_it_only_archives_on_post(client_for, chloe):
    resident = ResidentFactory()
    url = reverse("residents:resident_archive", args=[resident.pk])
    assert client_for(chloe).get(url).status_code == 405
    assert (
        client_for(chloe)
        .get(reverse("residents:resident_unarchive", args=[resident.pk]))
        .status_code
        == 405
    )
    resident.refresh_from_db()
    assert not resident.is_archived


@pytest.mark.django_db
def test_it_keeps_a_person_on_the_waiting_list_until_the_request_is_decided(client_for, chloe):
    request = AdmissionRequestFactory()
    response = _archive(client_for(chloe), request.resident)
    assert "décidez ou classez la demande avant d’archiver" in response.content.decode()
    request.resident.refresh_from_db()
    assert not request.resident.is_archived


@pytest.mark.django_db
def test_it_takes_an_archived_person_off_the_admitted_without_place(client_for, chloe):
    request = AdmissionRequestFactory(
        status=AdmissionStatus.ADMITTED, decided_on=timezone.localdate()
    )
    _archive(client_for(chloe), request.resident)
    assert client_for(chloe).get(reverse("residents:waiting_list")).context["admitted"] == []
