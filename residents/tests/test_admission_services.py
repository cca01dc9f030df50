import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from residents import services
from residents.models import AdmissionRequest, AdmissionStatus, Resident
from tests.factories import AdmissionRequestFactory, ResidentFactory


@pytest.mark.django_db
def test_it_opens_the_file_and_the_request_together(chloe):
    request = AdmissionRequest(
        referring_structure="caarud", psychic_situation=2, isolation=2, vulnerability=2
    )
    services.admission_request_create(
        request=request, new_person=Resident(nickname="Domino"), by=chloe
    )
    saved = AdmissionRequest.objects.select_related("resident").get()
    assert saved.resident.nickname == "Domino"
    assert saved.resident.created_by == chloe == saved.created_by


@pytest.mark.django_db
def test_it_saves_neither_when_the_request_is_invalid(chloe):
    request = AdmissionRequest(
        referring_structure="caarud", psychic_situation=9, isolation=2, vulnerability=2
    )
    with pytest.raises(ValidationError):
        services.admission_request_create(
            request=request, new_person=Resident(nickname="Domino"), by=chloe
        )
    assert not Resident.objects.exists()


@pytest.mark.django_db
def test_it_decides_from_the_latest_state_of_the_request(chloe):
    request = AdmissionRequestFactory()
    stale_copy = AdmissionRequest.objects.get(pk=request.pk)
    services.admission_refuse(request=request, by=chloe, reason="Hors critères")
    with pytest.raises(ValidationError):
        services.admission_admit(request=stale_copy, by=chloe)
    request.refresh_from_db()
    assert request.status == AdmissionStatus.REFUSED


@pytest.mark.django_db
def test_the_database_refuses_a_refusal_without_reason():
    request = AdmissionRequestFactory()
    with pytest.raises(IntegrityError):
        AdmissionRequest.objects.filter(pk=request.pk).update(
            status=AdmissionStatus.REFUSED, decided_on=request.received_on
        )


@pytest.mark.django_db
def test_the_database_keeps_one_waiting_request_per_person():
    resident = ResidentFactory()
    AdmissionRequestFactory(resident=resident)
    with pytest.raises(IntegrityError):
        AdmissionRequestFactory(resident=resident)
