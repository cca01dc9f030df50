"""Django's deployment checklist passes, without a single warning, on a production environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_environment() -> dict[str, str]:
    environ = {
        name: value
        for name, value in os.environ.items()
        # Start from a clean slate: the test run's own overrides are not production's.
        if name not in {"DEBUG", "SECURE_HTTPS", "BEHIND_PROXY", "CELERY_TASK_ALWAYS_EAGER"}
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="ancrage.example.org",
        CSRF_TRUSTED_ORIGINS="https://ancrage.example.org",
        SECURE_HTTPS="true",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    return environ


def test_it_passes_the_deployment_checklist():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "System check identified no issues" in result.stdout, report
    assert "WARNINGS" not in report, report
