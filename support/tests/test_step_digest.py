import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from support.digest import send_step_digests
from support.models import StepDigest
from support.tasks import send_step_digests as send_step_digests_task
from tests.factories import StepFactory, UserFactory

MONDAY = datetime.date(2026, 11, 23)  # ISO week 48
DAY = datetime.timedelta(days=1)


def _overdue(user, days=5, **kwargs):
    return StepFactory(followed_by=user, due_on=MONDAY - days * DAY, **kwargs)


@pytest.mark.django_db
def test_it_sends_each_worker_their_overdue_steps(alice, nina):
    _overdue(alice, resident__nickname="Caramel", kind="ame", days=3)
    _overdue(alice, resident__nickname="Domino", kind="siao", days=10)
    _overdue(nina, kind="gp")
    StepFactory(followed_by=alice, due_on=MONDAY)  # due today: not late yet
    StepFactory(followed_by=alice, due_on=MONDAY - DAY, status="obtained", closed_on=MONDAY)

    assert send_step_digests(on=MONDAY) == 2

    by_recipient = {message.to[0]: message for message in mail.outbox}
    message = by_recipient[alice.email]
    assert message.subject == "Ancrage : 2 démarches en retard cette semaine"
    assert "Domino : Demande SIAO" in message.body and "10 jours de retard" in message.body
    assert "Caramel : Aide médicale de l’État (AME)" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Domino : Demande SIAO" in html
    assert "1 démarche en retard" in by_recipient[nina.email].subject
    digest = StepDigest.objects.get(user=alice)
    assert (digest.iso_year, digest.iso_week, digest.step_count) == (2026, 48, 2)


@pytest.mark.django_db
def test_it_sends_nothing_a_second_time_the_same_week(alice):
    _overdue(alice)
    assert send_step_digests(on=MONDAY) == 1
    _overdue(alice, kind="rsa")
    assert send_step_digests(on=MONDAY + 3 * DAY) == 0
    assert len(mail.outbox) == 1
    assert send_step_digests(on=MONDAY + 7 * DAY) == 1  # the next week
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_it_writes_to_active_members_of_the_care_team_with_an_address(alice, marc, chloe):
    _overdue(marc)  # a manager follows no steps: the digest is for the care team
    gone = UserFactory(username="parti", roles=["social_worker"], is_active=False)
    _overdue(gone)
    silent = UserFactory(username="sans-mail", roles=["social_worker"], email="")
    _overdue(silent)
    archived = _overdue(alice)
    archived.resident.archive(by=chloe)
    assert send_step_digests(on=MONDAY) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_tries_again_an_e_mail_that_could_not_leave(alice):
    _overdue(alice)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError):
        with pytest.raises(OSError):
            send_step_digests(on=MONDAY)
    assert not StepDigest.objects.exists()
    assert send_step_digests(on=MONDAY) == 1


@pytest.mark.django_db
def test_it_runs_as_a_celery_task(alice):
    StepFactory(followed_by=alice, due_on=timezone.localdate() - 2 * DAY)
    assert send_step_digests_task.delay().get() == 1
    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert send_step_digests_task.delay().get() == 0


def test_it_is_scheduled_on_monday_mornings():
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["support-step-digests"]
    assert entry["task"] == send_step_digests_task.name
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {7}, {30})
    assert entry["options"]["expires"] > 0
