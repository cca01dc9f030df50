"""The fields the person-data declarations reserve to the medical team stay hidden from everyone
else in the change history too, whoever the table's history is opened to."""

import pytest
from django.urls import reverse

from accounts.roles import MEDICAL_TEAM, Role
from privacy import persondata
from support.models import Referral
from tests.factories import ReferralFactory


@pytest.fixture
def history_open_to_the_manager(monkeypatch):
    monkeypatch.setattr(Referral, "history_readers", MEDICAL_TEAM | {Role.MANAGER})


def _history(client, referral) -> str:
    url = reverse("history_object", args=["support.referral", referral.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("history_open_to_the_manager")
def test_the_history_hides_a_medical_referrals_notes_outside_the_medical_team(client_for, marc):
    referral = ReferralFactory(is_medical=True, service="hepatology", notes="Suivi VHC")
    page = _history(client_for(marc), referral)
    assert "Suivi VHC" not in page
    assert "(réservé à l’équipe médicale)" in page


@pytest.mark.django_db
def test_the_medical_team_reads_every_field(nina, marc):
    row = {"is_medical": True, "service": "hepatology", "notes": "Suivi VHC"}
    assert persondata.medical_fields(Referral, nina, row) == frozenset()
    assert persondata.medical_fields(Referral, marc, row) == {"service", "notes"}
    assert persondata.medical_fields(Referral, marc, {**row, "is_medical": False}) == frozenset()


@pytest.mark.django_db
@pytest.mark.usefixtures("history_open_to_the_manager")
def test_the_history_shows_a_social_referrals_notes_to_its_readers(client_for, marc):
    referral = ReferralFactory(notes="Dossier DALO déposé")
    page = _history(client_for(marc), referral)
    assert "Dossier DALO déposé" in page
    assert "(réservé à l’équipe médicale)" not in page
