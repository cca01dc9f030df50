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


def test_no_task_waits_or_runs_longer_than_the_brokers_visibility_timeout():
    """Past the visibility timeout Redis hands an unacknowledged message to another worker: a
    retry delay, an ETA or a run that long would run the task twice."""
    from reports.tasks import MAX_RETRIES, retry_delay

    app.loader.import_default_modules()
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(
        "visibility_timeout", settings.CELERY_VISIBILITY_TIMEOUT
    )
    assert timeout == settings.CELERY_VISIBILITY_TIMEOUT
    project = [
        task for name, task in app.tasks.items() if name.split(".")[0] in settings.PROJECT_APPS
    ]
    assert len(project) >= 7
    for task in project:
        assert (getattr(task, "retry_backoff_max", 0) or 0) < timeout, task.name
        assert (task.default_retry_delay or 0) < timeout, task.name
        assert (task.soft_time_limit or 0) < timeout, task.name
    assert max(retry_delay(n) for n in range(MAX_RETRIES + 1)) < timeout
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert "eta" not in entry["options"] and "countdown" not in entry["options"]
