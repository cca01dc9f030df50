import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from support.models import Referral
from tests.factories import ReferralFactory, ResidentFactory


def _create_url(resident):
    return reverse("support:referral_create", args=[resident.pk])


def _update_url(referral):
    return reverse("support:referral_update", args=[referral.pk])


def _when(days: int) -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(days=days)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def _data(**overrides):
    data = {
        "service": "csapa",
        "confidentiality": "",
        "appointment_at": _when(3),
        "accompanied_by": "",
        "outcome": "pending",
        "notes": "Premier rendez-vous.",
        "form_token": str(uuid.uuid4()),
    }
    return data | overrides


@pytest.mark.django_db
def test_it_makes_a_referral_to_a_medical_service_medical(client_for, nina):
    resident = ResidentFactory()
    response = client_for(nina).post(_create_url(resident), _data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "support:resident_referrals", args=[resident.pk]
    )
    assert "L’orientation a été enregistrée." in response.content.decode()
    referral = Referral.objects.get()
    assert (referral.service, referral.is_medical, referral.created_by) == ("csapa", True, nina)


@pytest.mark.django_db
def test_it_keeps_a_social_referral_shared(client_for, alice):
    client_for(alice).post(_create_url(ResidentFactory()), _data(service="social_services"))
    assert Referral.objects.get().is_medical is False


@pytest.mark.django_db
def test_it_lets_the_author_share_a_medical_referral_with_the_team(client_for, alice):
    client_for(alice).post(_create_url(ResidentFactory()), _data(confidentiality="shared"))
    assert Referral.objects.get().is_medical is False


@pytest.mark.django_db
def test_it_warns_a_social_worker_who_records_a_medical_referral(client_for, alice):
    response = client_for(alice).post(_create_url(ResidentFactory()), _data(), follow=True)
    assert "Cette orientation est médicale" in response.content.decode()
    assert Referral.objects.get().is_medical is True


@pytest.mark.django_db
def test_it_records_the_outcome_of_a_past_appointment(client_for, alice):
    referral = ReferralFactory(appointment_at=timezone.now() - datetime.timedelta(days=1))
    data = _data(
        service=referral.service,
        confidentiality="shared",
        appointment_at=_when(-1),
        outcome="attended",
        accompanied_by=alice.pk,
    )
    assert client_for(alice).post(_update_url(referral), data).status_code == 302
    referral.refresh_from_db()
    assert (referral.outcome, referral.accompanied_by) == ("attended", alice)


@pytest.mark.django_db
def test_it_refuses_to_mark_an_appointment_to_come_as_attended(client_for, alice):
    referral = ReferralFactory()
    data = _data(service=referral.service, confidentiality="shared", outcome="attended")
    response = client_for(alice).post(_update_url(referral), data)
    assert "Un rendez-vous encore à venir ne peut pas être noté honoré" in (
        response.content.decode()
    )
    referral.refresh_from_db()
    assert referral.outcome == "pending"


@pytest.mark.django_db
def test_it_asks_the_date_of_an_appointment_marked_missed(client_for, alice):
    response = client_for(alice).post(
        _create_url(ResidentFactory()), _data(appointment_at="", outcome="missed")
    )
    assert "Indiquez la date du rendez-vous pour en noter l’issue." in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_it_lets_the_medical_team_alone_open_a_medical_referral(client_for, alice, paul):
    referral = ReferralFactory(service="cmp", is_medical=True, notes="Premier contact")
    assert client_for(alice).get(_update_url(referral)).status_code == 404
    assert client_for(alice).post(_update_url(referral), _data()).status_code == 404
    response = client_for(paul).get(_update_url(referral))
    assert response.status_code == 200
    assert response.context["form"].initial["confidentiality"] == "medical"


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_referral_or_an_archived_file(client_for, alice, chloe):
    referral = ReferralFactory()
    referral.resident.archive(by=chloe)
    assert client_for(alice).get(_update_url(referral)).status_code == 404
    assert (
        client_for(alice).get(reverse("support:referral_update", args=[999999])).status_code == 404
    )
    assert client_for(alice).post(_create_url(referral.resident), _data()).status_code == 404
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_it_forbids_the_manager(client_for, marc):
    assert client_for(marc).post(_create_url(ResidentFactory()), _data()).status_code == 403
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_it_answers_405_to_other_methods(client_for, alice):
    assert client_for(alice).delete(_update_url(ReferralFactory())).status_code == 405
