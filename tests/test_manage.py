"""manage.py: commands that only read the code run anywhere; the others need the real settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_TO_SERVE = {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}


def _manage(*args: str) -> subprocess.CompletedProcess:
    """manage.py in a bare environment: no secret key, no database configured."""
    bare = {key: value for key, value in os.environ.items() if key not in REQUIRED_TO_SERVE}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=bare,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_code_only_commands_run_without_a_configured_environment():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_other_commands_still_require_the_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY is required." in result.stderr
