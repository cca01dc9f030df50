import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import SituationAssessment
from tests.factories import ResidentFactory, SituationAssessmentFactory

TODAY = timezone.localdate()


def _create_url(resident):
    return reverse("residents:situation_create", args=[resident.pk])


def _data(**overrides):
    data = {
        "assessed_on": TODAY.isoformat(),
        "housing_before": "squat",
        "income": ["rsa", "other"],
        "health_cover": "ame",
        "id_papers": "lost",
        "residence_permit": "receipt",
        "domiciliation": "CCAS Paris 18e",
        "referring_structure": "Maraude",
        "form_token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_records_a_dated_situation(client_for, alice):
    resident = ResidentFactory()
    response = client_for(alice).post(_create_url(resident), _data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "residents:resident_detail", args=[resident.pk]
    )
    assert "La situation sociale a été enregistrée." in response.content.decode()
    assessment = SituationAssessment.objects.get()
    assert (assessment.resident, assessment.assessed_by) == (resident, alice)
    assert assessment.income == ["rsa", "other"]


@pytest.mark.django_db
def test_it_keeps_earlier_assessments(client_for, alice):
    resident = ResidentFactory()
    SituationAssessmentFactory(resident=resident, assessed_on=TODAY - datetime.timedelta(days=90))
    client_for(alice).post(_create_url(resident), _data())
    assert resident.situation_assessments.count() == 2


@pytest.mark.django_db
def test_it_refuses_no_income_with_an_income(client_for, alice):
    resident = ResidentFactory()
    response = client_for(alice).post(_create_url(resident), _data(income=["none", "rsa"]))
    assert (
        "« Aucune ressource » ne peut pas être cochée avec une ressource."
        in response.content.decode()
    )
    assert not SituationAssessment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_date_in_the_future(client_for, alice):
    resident = ResidentFactory()
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client_for(alice).post(_create_url(resident), _data(assessed_on=tomorrow))
    assert "Une évaluation ne peut pas être datée dans le futur." in response.content.decode()
    assert not SituationAssessment.objects.exists()


@pytest.mark.django_db
def test_it_saves_a_double_submission_once(client_for, alice):
    resident = ResidentFactory()
    data = _data()
    client = client_for(alice)
    client.post(_create_url(resident), data)
    assert (
        "Ce formulaire a déjà été envoyé"
        in client.post(_create_url(resident), data).content.decode()
    )
    assert SituationAssessment.objects.count() == 1


@pytest.mark.django_db
def test_it_corrects_an_assessment_keeping_its_author(client_for, alice, nina):
    assessment = SituationAssessmentFactory(assessed_by=alice)
    url = reverse("residents:situation_update", args=[assessment.resident.pk, assessment.pk])
    assert client_for(nina).post(url, _data(health_cover="c2s")).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.health_cover, assessment.assessed_by) == ("c2s", alice)


@pytest.mark.django_db
def test_it_answers_404_for_an_assessment_of_another_file(client_for, alice):
    assessment = SituationAssessmentFactory()
    other = ResidentFactory()
    url = reverse("residents:situation_update", args=[other.pk, assessment.pk])
    assert client_for(alice).get(url).status_code == 404
    assert client_for(alice).post(url, _data()).status_code == 404


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_or_archived_file(client_for, alice, chloe):
    archived = ResidentFactory()
    archived.archive(by=chloe)
    for pk in (archived.pk, 999999):
        url = reverse("residents:situation_create", args=[pk])
        assert client_for(alice).post(url, _data()).status_code == 404
    assert not SituationAssessment.objects.exists()


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc):
    resident = ResidentFactory()
    assert client_for(marc).post(_create_url(resident), _data()).status_code == 403
    assert not SituationAssessment.objects.exists()


@pytest.mark.django_db
def test_it_logs_opening_the_form_as_a_file_access(client_for, alice):
    assessment = SituationAssessmentFactory()
    url = reverse("residents:situation_update", args=[assessment.resident.pk, assessment.pk])
    client_for(alice).get(url)
    assert assessment.resident.access_logs.get().user == alice
