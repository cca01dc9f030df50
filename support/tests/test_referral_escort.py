"""The practical details of a referral for the escort (where, when to meet, what to bring):
written apart from the confidential notes, read by the worker who accompanies."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from support.models import Referral
from tests.factories import ReferralFactory, ResidentFactory

PLACE = "CSAPA Moreau, 12 rue X, 2e étage"
BRING = "Carte Vitale, ordonnance de méthadone"


def _when(days: int) -> str:
    moment = timezone.localtime(timezone.now() + datetime.timedelta(days=days))
    return moment.strftime("%Y-%m-%dT%H:%M")


def _data(**overrides):
    return {
        "service": "csapa",
        "confidentiality": "",
        "appointment_at": _when(3),
        "accompanied_by": "",
        "outcome": "pending",
        "notes": "Reprise de traitement après rechute, à ne pas évoquer devant l’hôtel.",
        "escort_place": PLACE,
        "escort_meet_at": "13:15",
        "escort_bring": BRING,
        "form_token": str(uuid.uuid4()),
    } | overrides


def _medical_referral(accompanied_by):
    return ReferralFactory(
        service="csapa",
        is_medical=True,
        notes="Bilan hépatique",
        accompanied_by=accompanied_by,
        escort_place=PLACE,
        escort_meet_at=datetime.time(13, 15),
        escort_bring=BRING,
    )


def _page(client, referral) -> str:
    url = reverse("support:resident_referrals", args=[referral.resident_id])
    return " ".join(client.get(url).content.decode().split())


@pytest.mark.django_db
def test_the_medical_team_writes_the_details_for_the_escort(client_for, nina, alice):
    resident = ResidentFactory()
    url = reverse("support:referral_create", args=[resident.pk])
    response = client_for(nina).post(url, _data(accompanied_by=alice.pk))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.escort_place, referral.escort_meet_at, referral.escort_bring) == (
        PLACE,
        datetime.time(13, 15),
        BRING,
    )
    assert referral.is_medical


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["escort_place", "escort_bring"])
def test_it_refuses_details_that_repeat_the_confidential_notes(client_for, nina, field):
    data = _data()
    data[field] = f"Attention : {data['notes']}"
    response = client_for(nina).post(
        reverse("support:referral_create", args=[ResidentFactory().pk]), data
    )
    assert response.status_code == 200  # the form shown again
    assert "Cela reprend les notes confidentielles" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_the_worker_who_accompanies_reads_them_not_the_notes(client_for, alice):
    referral = _medical_referral(accompanied_by=alice)
    page = _page(client_for(alice), referral)
    assert f"Où : {PLACE}" in page
    assert "Heure de rendez-vous : 13:15" in page
    assert f"À apporter : {BRING}" in page
    assert "Bilan hépatique" not in page and "CSAPA (" not in page


@pytest.mark.django_db
def test_the_rest_of_the_team_does_not_read_a_medical_referrals_details(
    client_for, alice, chloe, marc
):
    referral = _medical_referral(accompanied_by=alice)
    for reader in (chloe, marc):
        page = _page(client_for(reader), referral)
        assert PLACE not in page and BRING not in page
    # Blank from the database, not only in the page.
    (row,) = Referral.objects.visible_to(chloe)
    assert (row.shown_escort_place, row.shown_escort_meet_at, row.shown_escort_bring) == (
        "",
        None,
        "",
    )


@pytest.mark.django_db
def test_a_shared_referrals_details_are_read_by_the_team(client_for, chloe):
    referral = ReferralFactory(escort_place="Mairie du 18e")
    assert "Où : Mairie du 18e" in _page(client_for(chloe), referral)
