"""manage.py: commands that only read the code run anywhere; the others need the real settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_TO_SERVE = {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}


def _manage(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    """manage.py in a bare environment: no secret key, no database, no `make run` setup."""
    bare = {key: value for key, value in os.environ.items() if key not in REQUIRED_TO_SERVE}
    bare["ANCRAGE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=bare,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_code_only_commands_run_without_a_configured_environment(tmp_path):
    result = _manage("makemigrations", "--check", "--dry-run", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_other_commands_still_require_the_secret_key(tmp_path):
    result = _manage("check", data_dir=tmp_path)
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY is required." in result.stderr


def test_beside_make_run_other_commands_find_the_local_settings(tmp_path):
    (tmp_path / "secret_key").write_text("local-key\n")
    (tmp_path / "database_url").write_text("postgres://127.0.0.1/not-connected-by-check\n")
    result = _manage("check", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
