"""Every command the README shows works as written.

The README's `sh` blocks are read, not copied: a `manage.py` command runs for real, the way a
newcomer types it beside `make run` (no SECRET_KEY, no DATABASE_URL: manage.py finds the local
settings in the data folder); a `make` command is checked with `make -n`; a `docker compose exec`
line must name a management command that exists. Any other line must be one of the few kinds
listed in OTHER_LINES, so a new kind of command cannot slip in untested.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MANAGE_PREFIXES = (("manage.py",), ("python", "manage.py"), (".venv/bin/python", "manage.py"))
# Lines of the README's sh blocks that are not Ancrage commands: environment settings (the .env
# file, `export`) and Docker Compose's own commands (Docker does not run on the CI machines; the
# compose file is checked by tests/test_deployment_files.py).
OTHER_LINES = re.compile(r"^(export [A-Z_]+=|[A-Z_]+=|docker compose (up|ps|logs)\b)")


def readme_commands() -> list[str]:
    """The lines of the README's ```sh blocks, without comments and blank lines."""
    commands, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            inside = stripped == "```sh" if not inside else False
            continue
        if inside:
            command = re.sub(r"\s+#.*$", "", stripped)
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def _manage_args(command: str) -> list[str] | None:
    words = shlex.split(command)
    if words[:3] == ["docker", "compose", "exec"]:
        words = words[words.index("web") + 1 :]
    for prefix in MANAGE_PREFIXES:
        if tuple(words[: len(prefix)]) == prefix:
            return words[len(prefix) :]
    return None


def _database_url() -> str:
    """The test database's URL, as `make run` writes the embedded server's."""
    settings = connection.settings_dict
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{quote(host, safe='')}:{port}/{settings['NAME']}"


@pytest.fixture
def make_run_setup(tmp_path):
    """A data folder as `make run` leaves it, and an environment that configures nothing."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text("readme-commands-test-key\n")
    (data_dir / "database_url").write_text(_database_url() + "\n")
    unset = {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "DEBUG"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env["ANCRAGE_DATA_DIR"] = str(data_dir)
    return env, data_dir


def test_the_readme_shows_the_commands_this_test_runs():
    commands = readme_commands()
    assert "make run" in commands and "make test" in commands
    assert any(_manage_args(command) for command in commands if command.startswith(".venv"))
    unknown = [
        command
        for command in commands
        if not (command.startswith("make ") or _manage_args(command) or OTHER_LINES.match(command))
    ]
    assert unknown == [], "a README command this test does not know how to check"


@pytest.mark.parametrize(
    "command", [c for c in readme_commands() if c.startswith("make ")], ids=str
)
def test_each_make_command_of_the_readme_exists(command):
    result = subprocess.run(
        ["make", "-n", *shlex.split(command)[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "command",
    [c for c in readme_commands() if c.startswith("docker compose exec")],
    ids=str,
)
def test_each_production_command_of_the_readme_exists(command):
    name = _manage_args(command)[0]
    from django.core.management import get_commands

    assert name in get_commands(), f"{name} is not a management command"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "command",
    [c for c in readme_commands() if _manage_args(c) and not c.startswith("docker")],
    ids=str,
)
def test_each_manage_command_of_the_readme_runs_as_written(command, make_run_setup, tmp_path):
    env, data_dir = make_run_setup
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *_manage_args(command)],
        cwd=tmp_path,  # where a relative --output lands
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    if "--output" in command:
        output = tmp_path / shlex.split(command)[-1]
        assert output.read_bytes().startswith(b"%PDF")
    if command.endswith("manage.py backup"):
        assert list((data_dir / "backups").glob("ancrage-*.dump"))


def test_manage_py_reads_the_environment_only_when_it_is_set(make_run_setup, tmp_path):
    """In production (SECRET_KEY and DATABASE_URL set) the data folder is never read."""
    env, _data_dir = make_run_setup
    env = {**env, "SECRET_KEY": "from-the-environment", "DATABASE_URL": "postgres://elsewhere/x"}
    probe = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["from-the-environment", "False"], result.stderr
