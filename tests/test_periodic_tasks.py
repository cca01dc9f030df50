import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from core.models import UsedFormToken
from core.tasks import purge_used_form_tokens


def test_it_schedules_only_registered_tasks_with_an_expiry():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: unknown task {entry['task']}"
        assert entry["options"]["expires"] > 0, f"{name} needs an expiry"


@pytest.mark.django_db
def test_it_purges_old_form_tokens_only():
    old = UsedFormToken.objects.create(token="00000000-0000-0000-0000-000000000001")
    UsedFormToken.objects.filter(pk=old.pk).update(
        used_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = UsedFormToken.objects.create(token="00000000-0000-0000-0000-000000000002")
    assert purge_used_form_tokens.delay().get() == 1
    remaining = [str(pk) for pk in UsedFormToken.objects.values_list("pk", flat=True)]
    assert remaining == [str(recent.pk)]
    assert purge_used_form_tokens.delay().get() == 0
