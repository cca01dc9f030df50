"""Celery beat plans next week's roster on Thursday at 14:00, Paris time (a setting)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.celery import app
from tests.factories import PlacementFactory, StaffAvailabilityFactory
from visits.models import Visit
from visits.tasks import generate_rosters
from visits.tests.conftest import NEXT_MONDAY, THIS_MONDAY, TODAY


def test_it_schedules_the_roster_every_thursday_at_two_pm_paris_time():
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["generate-visit-rosters"]
    assert entry["task"] == "visits.tasks.generate_rosters" and entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({4}, {14}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/Paris"
    assert 0 < entry["options"]["expires"] <= 24 * 3600


def _settings_with(value: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ROSTER_GENERATION_CRONTAB": value,
        "DATABASE_URL": "postgres://unused/ancrage",
        "SECRET_KEY": "x",
    }
    code = "from config import settings; print(settings.ROSTER_GENERATION_SCHEDULE)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_it_reads_the_time_from_the_environment_and_refuses_a_bad_one():
    monday_morning = _settings_with("30 9 * * mon")
    assert monday_morning.returncode == 0, monday_morning.stderr
    assert "<crontab: 30 9 * * mon" in monday_morning.stdout
    bad = _settings_with("0 25 * * thu")
    assert bad.returncode != 0
    assert "ROSTER_GENERATION_CRONTAB is not a cron line" in bad.stderr


@pytest.mark.django_db
def test_the_task_plans_next_week_and_completes_this_one():
    StaffAvailabilityFactory(weekdays=[0, 1, 2, 3, 4, 5, 6])
    PlacementFactory()

    counts = generate_rosters.delay().get()

    assert counts["next_week"] == 2
    assert Visit.objects.in_week(NEXT_MONDAY).count() == 2
    this_week = Visit.objects.in_week(THIS_MONDAY)
    assert counts["this_week"] == this_week.count()
    assert (this_week.count() > 0) == (TODAY.weekday() < 6), "from tomorrow to Sunday"
    assert all(visit.planned_on > TODAY for visit in this_week)
    assert generate_rosters.delay().get() == {"this_week": 0, "next_week": 0}
