"""Giving or taking a role that reads the medical notes is e-mailed to the whole medical team."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.roles import Role
from tests.factories import NoteFactory, ResidentFactory, UserFactory

MEDICAL_TEXT = "Délire de persécution"


def _update(client, user, roles):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": roles,
    }
    return client.post(reverse("accounts:account_update", args=[user.pk]), data)


@pytest.fixture
def medical_note(paul):
    return NoteFactory(
        resident=ResidentFactory(),
        kind="psychiatric",
        author=paul,
        text="",
        medical_text=MEDICAL_TEXT,
    )


@pytest.mark.django_db
def test_it_tells_the_whole_medical_team_once_in_french(
    client_for, django_capture_on_commit_callbacks, ada, alice, nina, paul, marc, medical_note
):
    UserFactory(username="former", roles=[Role.NURSE], is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = _update(client_for(ada), alice, [Role.SOCIAL_WORKER, Role.NURSE])

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([alice.email, nina.email, paul.email])
    assert message.cc == [] and message.bcc == []
    assert message.subject == f"Ancrage : accès aux notes médicales modifié pour {alice}"
    when = timezone.localtime().strftime("%d/%m/%Y")
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert f"Le {when}" in text
        assert f"{ada} a modifié les rôles de {alice}" in text
        assert "rôle attribué : Infirmier·e" in text
        assert "Travailleur·se" not in text
        assert MEDICAL_TEXT not in text
        assert medical_note.resident.nickname not in text


@pytest.mark.django_db
def test_it_tells_the_team_left_when_a_medical_role_is_taken_away(
    client_for, django_capture_on_commit_callbacks, ada, nina, paul
):
    with django_capture_on_commit_callbacks(execute=True):
        _update(client_for(ada), paul, [Role.SOCIAL_WORKER])

    [message] = mail.outbox
    assert message.to == [nina.email]
    assert "rôle retiré : Médecin psychiatre" in message.body


@pytest.mark.django_db
def test_it_tells_the_medical_team_about_a_new_account_with_a_medical_role(
    client_for, django_capture_on_commit_callbacks, marc, nina
):
    data = {
        "username": "ines",
        "first_name": "Inès",
        "last_name": "Roux",
        "email": "ines@ancrage.invalid",
        "roles": [Role.NURSE],
    }
    with django_capture_on_commit_callbacks(execute=True):
        client_for(marc).post(reverse("accounts:account_create"), data)

    alerts = [m for m in mail.outbox if "notes médicales" in m.subject]
    assert len(alerts) == 1
    assert sorted(alerts[0].to) == ["ines@ancrage.invalid", nina.email]
    assert f"{marc} a modifié les rôles de Inès Roux" in alerts[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER, Role.ADMIN])
def test_it_says_nothing_for_the_other_roles(
    client_for, django_capture_on_commit_callbacks, ada, alice, nina, role
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _update(client_for(ada), alice, [Role.SOCIAL_WORKER, role])
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_sends_nothing_when_the_change_is_rolled_back(
    django_capture_on_commit_callbacks, ada, alice, nina
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.account_set_roles(user=alice, roles=[Role.NURSE], by=ada)
            raise RuntimeError
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_waits_for_the_commit(django_capture_on_commit_callbacks, ada, alice, nina):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.account_set_roles(user=alice, roles=[Role.NURSE], by=ada)
        assert mail.outbox == []
    assert len(callbacks) == 1
