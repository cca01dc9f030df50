"""The worker who accompanied records whether the appointment took place."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from support.models import Referral
from tests.factories import ReferralFactory


def _url(referral) -> str:
    return reverse("support:referral_attendance", args=[referral.pk])


def _past_medical(accompanied_by, days=1):
    return ReferralFactory(
        service="csapa",
        is_medical=True,
        accompanied_by=accompanied_by,
        appointment_at=timezone.now() - datetime.timedelta(days=days),
    )


@pytest.mark.django_db
def test_the_worker_who_accompanied_records_that_it_took_place(client_for, alice):
    referral = _past_medical(alice)
    client = client_for(alice)
    page = client.get(reverse("support:resident_referrals", args=[referral.resident_id]))
    assert 'data-testid="attendance"' in page.content.decode()

    response = client.post(_url(referral), {"outcome": "attended"}, follow=True)

    assert Referral.objects.get(pk=referral.pk).outcome == "attended"
    assert f"Enregistré pour {referral.resident.nickname} : honoré." in (
        " ".join(response.content.decode().split())
    )


@pytest.mark.django_db
def test_it_records_a_missed_appointment(client_for, alice):
    referral = _past_medical(alice)
    client_for(alice).post(_url(referral), {"outcome": "missed"})
    assert Referral.objects.get(pk=referral.pk).outcome == "missed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("", "Dites si le rendez-vous a eu lieu."),
        ("cancelled", "Dites si le rendez-vous a eu lieu."),
    ],
)
def test_it_explains_bad_input_and_changes_nothing(client_for, alice, outcome, message):
    referral = _past_medical(alice)
    response = client_for(alice).post(_url(referral), {"outcome": outcome}, follow=True)
    assert message in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).outcome == "pending"


@pytest.mark.django_db
def test_it_refuses_an_appointment_still_to_come(client_for, alice):
    referral = _past_medical(alice, days=-2)
    response = client_for(alice).post(_url(referral), {"outcome": "attended"}, follow=True)
    assert "Un rendez-vous encore à venir ne peut pas être noté honoré ou non honoré." in (
        response.content.decode()
    )
    assert Referral.objects.get(pk=referral.pk).outcome == "pending"


@pytest.mark.django_db
def test_it_forbids_the_roles_that_do_not_follow_appointments(client_for, marc, ada):
    referral = _past_medical(None)
    for user in (marc, ada):
        assert client_for(user).post(_url(referral), {"outcome": "attended"}).status_code == 403
    assert Referral.objects.get(pk=referral.pk).outcome == "pending"


@pytest.mark.django_db
def test_someone_elses_appointment_answers_404(client_for, alice, chloe):
    referral = _past_medical(chloe)
    assert client_for(alice).post(_url(referral), {"outcome": "attended"}).status_code == 404
    assert (
        client_for(alice).post(reverse("support:referral_attendance", args=[999999])).status_code
        == 404
    )
    assert Referral.objects.get(pk=referral.pk).outcome == "pending"


@pytest.mark.django_db
def test_it_only_answers_post(client_for, alice):
    assert client_for(alice).get(_url(_past_medical(alice))).status_code == 405
