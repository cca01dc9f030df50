"""A medical or psychiatric concern flagged during a visit e-mails the nurse and the psychiatrist:
a link and the person's nickname, nothing of the concern itself."""

import uuid

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory, VisitFactory
from visits import alerts, tasks
from visits.models import Visit


def _log(client, visit, **data):
    return client.post(
        reverse("visits:visit_detail", args=[visit.pk]),
        {"form_token": str(uuid.uuid4()), "outcome": "seen", **data},
    )


@pytest.fixture
def medical_team(nina, paul):
    nina.email, paul.email = "nina@ancrage.test", "paul@ancrage.test"
    nina.save(), paul.save()
    UserFactory(roles=[Role.NURSE], email="former@ancrage.test", is_active=False)
    return nina, paul


@pytest.mark.django_db
@override_settings(SITE_URL="https://ancrage.test")
def test_it_mails_the_nurse_and_the_psychiatrist_a_link_and_the_nickname(
    client_for, alice, medical_team, django_capture_on_commit_callbacks
):
    alice.email = "alice@ancrage.test"
    alice.save()
    visit = VisitFactory(worker=alice, placement__resident__nickname="Pépito")
    with django_capture_on_commit_callbacks(execute=True):
        response = _log(
            client_for(alice),
            visit,
            health="Toux depuis dix jours",
            follow_up_reason="medical",
            follow_up_note="Crache du sang",
        )
    assert response.status_code == 302

    (message,) = mail.outbox
    assert sorted(message.to) == ["nina@ancrage.test", "paul@ancrage.test"]
    assert "Pépito" in message.subject
    body = message.body + message.alternatives[0][0]
    assert f"https://ancrage.test/visites/{visit.pk}/" in body
    for health_content in ("Toux", "sang", "Inquiétude"):
        assert health_content not in body and health_content not in message.subject
    assert Visit.objects.get(pk=visit.pk).follow_up_alert_sent_at is not None


@pytest.mark.django_db
def test_it_mails_nothing_for_a_social_flag_or_a_correction_keeping_the_flag(
    client_for, alice, medical_team, django_capture_on_commit_callbacks
):
    visit = VisitFactory(worker=alice)
    with django_capture_on_commit_callbacks(execute=True):
        _log(client_for(alice), visit, follow_up_reason="social")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        _log(client_for(alice), visit, follow_up_reason="psychiatric")
        _log(client_for(alice), visit, follow_up_reason="psychiatric", needs="Rien")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_task_sends_once_and_tolerates_a_missing_or_handled_visit(alice, nina, medical_team):
    visit = VisitFactory(worker=alice, follow_up_reason="medical")
    assert tasks.send_medical_follow_up_alert.delay(visit.pk).get() is True
    assert tasks.send_medical_follow_up_alert.delay(visit.pk).get() is False
    assert len(mail.outbox) == 1
    assert alerts.send_medical_follow_up_alert(999999) is False
    handled = VisitFactory(worker=alice, follow_up_reason="medical")
    handled.close_follow_up(by=nina, what_was_done="Appelé")
    assert alerts.send_medical_follow_up_alert(handled.pk) is False
