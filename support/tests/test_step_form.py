import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from support.models import Step
from tests.factories import ResidentFactory, StepFactory

TODAY = timezone.localdate()


def _create_url(resident):
    return reverse("support:step_create", args=[resident.pk])


def _update_url(step):
    return reverse("support:step_update", args=[step.pk])


def _data(follower, **overrides):
    data = {
        "kind": "siao",
        "details": "Demande SIAO insertion",
        "status": "to_do",
        "due_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
        "followed_by": follower.pk,
        "form_token": str(uuid.uuid4()),
    }
    return data | overrides


@pytest.mark.django_db
def test_it_records_a_step_followed_by_its_author_by_default(client_for, alice):
    resident = ResidentFactory()
    client = client_for(alice)
    assert client.get(_create_url(resident)).context["form"].initial["followed_by"] == alice.pk
    response = client.post(_create_url(resident), _data(alice), follow=True)
    assert response.redirect_chain[-1][0] == reverse("support:resident_steps", args=[resident.pk])
    assert "La démarche a été enregistrée." in response.content.decode()
    step = Step.objects.get()
    assert (step.resident, step.kind, step.followed_by, step.created_by) == (
        resident,
        "siao",
        alice,
        alice,
    )
    assert step.closed_on is None


@pytest.mark.django_db
def test_it_dates_the_closing_of_a_step_and_clears_it_when_reopened(client_for, alice):
    step = StepFactory(followed_by=alice)
    client = client_for(alice)
    client.post(_update_url(step), _data(alice, status="obtained"))
    step.refresh_from_db()
    assert (step.status, step.closed_on) == ("obtained", TODAY)
    client.post(_update_url(step), _data(alice, status="in_progress"))
    step.refresh_from_db()
    assert (step.status, step.closed_on) == ("in_progress", None)


@pytest.mark.django_db
def test_it_asks_what_another_step_is(client_for, alice):
    response = client_for(alice).post(
        _create_url(ResidentFactory()), _data(alice, kind="other", details="")
    )
    assert "Décrivez la démarche." in response.content.decode()
    assert not Step.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_follower_outside_the_care_team(client_for, alice, marc):
    response = client_for(alice).post(_create_url(ResidentFactory()), _data(marc))
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Step.objects.exists()


@pytest.mark.django_db
def test_it_saves_a_double_submission_once(client_for, alice):
    resident, data = ResidentFactory(), _data(alice)
    client = client_for(alice)
    client.post(_create_url(resident), data)
    client.post(_create_url(resident), data)
    assert Step.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_step_or_an_archived_file(client_for, alice, chloe):
    step = StepFactory()
    step.resident.archive(by=chloe)
    assert client_for(alice).post(_update_url(step), _data(alice)).status_code == 404
    unknown = reverse("support:step_update", args=[999999])
    assert client_for(alice).get(unknown).status_code == 404
    assert client_for(alice).post(_create_url(step.resident), _data(alice)).status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc):
    step = StepFactory()
    assert (
        client_for(marc).post(_update_url(step), _data(marc, status="abandoned")).status_code == 403
    )
    assert client_for(marc).post(_create_url(step.resident), _data(marc)).status_code == 403
    step.refresh_from_db()
    assert step.status == "to_do" and Step.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice):
    assert client_for(alice).delete(_update_url(StepFactory())).status_code == 405
