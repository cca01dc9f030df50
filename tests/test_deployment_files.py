"""The deployment files point at things that exist: Docker cannot run here, so read them.

Each service's command must start a real entry point of the project, every variable the compose
file hands to the app must be one the settings read, and the image must carry what WeasyPrint
needs and not run as root.
"""

import ast
import inspect
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
import yaml
from celery.app.utils import find_app
from django.conf import settings
from django.core.management import get_commands
from django.utils.module_loading import import_string

from config import env

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"db", "redis", "web", "worker", "beat"}
# The services that run the project's own image, hence its settings.
APP_SERVICES = {"web", "worker", "beat"}
WEASYPRINT_LIBRARIES = [
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "libjpeg62-turbo",
    "fonts-dejavu-core",
    "shared-mime-info",
]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


def settings_variables() -> set[str]:
    """Names of the environment variables config/settings.py reads (config.env or os.environ)."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = ast.unparse(node.func)
        if not (function.startswith("env_") or function in {"os.environ.get", "os.getenv"}):
            continue
        if node.args and isinstance(node.args[0], ast.Constant):
            names.add(node.args[0].value)
        elif function.startswith("env_"):  # env_database_url() reads its default name
            names.add(inspect.signature(getattr(env, function)).parameters["name"].default)
    return names


def command_lines(command: str | list[str]) -> list[list[str]]:
    """Split a compose command into the programs it runs (`sh -c "a && exec b"` gives a and b)."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        return [
            [word for word in shlex.split(part) if word != "exec"]
            for part in re.split(r"&&|;", argv[2])
        ]
    return [argv]


def assert_entry_point_exists(argv: list[str]) -> str:
    """Check that argv starts a real part of the project; return which kind it is."""
    program = Path(argv[0]).name
    if program.startswith("python") and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"manage.py has no {argv[2]!r} command"
        return "manage.py"
    if program == "gunicorn":
        target = next(word for word in argv[1:] if re.fullmatch(r"[a-z_][\w.]*:[a-z_]\w*", word))
        assert_wsgi_application(target)
        return "gunicorn"
    if program == "celery":
        assert argv[1] == "-A", argv
        from config.celery import app

        assert find_app(argv[2]) is app, f"celery -A {argv[2]} is not the project's Celery app"
        return "celery"
    raise AssertionError(f"unknown program in a compose command: {argv}")


def assert_wsgi_application(target: str) -> None:
    """Import module:attribute and serve one real request through it, as gunicorn would."""
    application = import_string(target.replace(":", "."))
    environ = {"PATH_INFO": "/connexion/", "HTTP_HOST": "testserver", "SERVER_NAME": "testserver"}
    setup_testing_defaults(environ)
    started = []
    body = b"".join(application(environ, lambda status, headers: started.append(status)))
    assert started == ["200 OK"], started
    assert b'lang="fr"' in body


def test_it_defines_the_five_services(compose):
    assert SERVICES <= set(compose["services"])


def test_it_waits_for_a_healthy_database_and_redis(compose):
    for name in APP_SERVICES:
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["db"] == {"condition": "service_healthy"}, name
        assert depends_on["redis"] == {"condition": "service_healthy"}, name
    assert "pg_isready" in str(compose["services"]["db"]["healthcheck"]["test"])
    assert "ping" in str(compose["services"]["redis"]["healthcheck"]["test"])


def test_it_keeps_the_database_in_a_volume(compose):
    volumes = compose["services"]["db"]["volumes"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in volumes)


@pytest.mark.django_db
def test_it_runs_real_entry_points_in_each_service(compose):
    kinds = {}
    for name in APP_SERVICES:
        kinds[name] = [assert_entry_point_exists(argv) for argv in command_lines(
            compose["services"][name]["command"]
        )]  # fmt: skip
    assert kinds == {"web": ["manage.py", "gunicorn"], "worker": ["celery"], "beat": ["celery"]}


def test_the_web_app_and_the_worker_share_the_generated_files(compose):
    """The worker writes the reports' PDFs that the web app serves: same volume, same path."""
    mounts = {}
    for name in APP_SERVICES:
        service = compose["services"][name]
        data_dir = service["environment"]["ANCRAGE_DATA_DIR"]
        volumes = {volume.split(":")[1]: volume.split(":")[0] for volume in service["volumes"]}
        mounts[name] = (data_dir, volumes.get(data_dir))
    assert mounts["web"] == mounts["worker"] == mounts["beat"]
    assert mounts["web"][1] in compose["volumes"], "a named volume, kept across restarts"


def test_the_image_gives_the_app_user_its_data_directory(dockerfile):
    envs = " ".join(args for keyword, args in dockerfile if keyword == "ENV")
    data_dir = re.search(r"ANCRAGE_DATA_DIR=(\S+)", envs).group(1)
    user = [args for keyword, args in dockerfile if keyword == "USER"][-1]
    runs = " ".join(args for keyword, args in dockerfile if keyword == "RUN")
    assert f"chown -R {user} {data_dir}" in runs


def test_the_image_runs_on_paris_time(dockerfile):
    envs = " ".join(args for keyword, args in dockerfile if keyword == "ENV")
    zone = re.search(r"(?:^|\s)TZ=(\S+)", envs)
    assert zone, "no TZ in the image: its clock would be UTC"
    assert zone.group(1) == settings.TIME_ZONE == "Europe/Paris"


def test_it_migrates_before_serving(compose):
    web = command_lines(compose["services"]["web"]["command"])
    assert web[0][1:3] == ["manage.py", "migrate"]


def test_it_passes_only_variables_the_settings_read(compose):
    read = settings_variables()
    for name in APP_SERVICES:
        passed = set(compose["services"][name]["environment"])
        assert passed - read == set(), f"{name} passes variables no setting reads"
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "BEHIND_PROXY"} <= passed


def test_it_commits_no_secret(compose):
    interpolated = re.compile(r"\$\{\w+(:\?[^}]*|:-)?\}")  # ${NAME}, ${NAME:?why}, ${NAME:-}
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if "PASSWORD" in name or "SECRET" in name:
                assert interpolated.fullmatch(str(value)), f"{name} has a value in the file"
            if name == "DATABASE_URL":
                password = re.match(r"postgres://[^:]+:(.*)@", value).group(1)
                assert interpolated.fullmatch(password), "DATABASE_URL has a password in the file"


def test_it_reads_only_variables_the_readme_documents():
    readme = (ROOT / "README.md").read_text()
    undocumented = {name for name in settings_variables() if f"`{name}`" not in readme}
    assert undocumented == set(), "document these in README.md, Configuration"


def test_the_image_installs_the_libraries_weasyprint_needs(dockerfile):
    installs = " ".join(args for keyword, args in dockerfile if keyword == "RUN")
    assert "python:3.12-slim-bookworm" in dict(dockerfile)["FROM"]
    for library in WEASYPRINT_LIBRARIES:
        assert re.search(rf"apt-get install[^&]*\s{re.escape(library)}(\s|$)", installs), library


def test_the_image_collects_static_files_and_compiles_the_catalogue(dockerfile):
    runs = [args for keyword, args in dockerfile if keyword == "RUN"]
    assert any("manage.py collectstatic --noinput" in args for args in runs)
    assert any("config.devservices compilemessages" in args for args in runs)


def test_the_image_does_not_run_as_root(dockerfile):
    users = [(line, args) for line, (keyword, args) in enumerate(dockerfile) if keyword == "USER"]
    assert users, "no USER line: the container would run as root"
    last_line, last_user = users[-1]
    assert last_user.split(":")[0] not in {"root", "0"}
    assert last_line < [keyword for keyword, _ in dockerfile].index("CMD")


@pytest.mark.django_db
def test_the_image_starts_gunicorn_on_the_wsgi_application(dockerfile):
    import json

    command = json.loads(dict(dockerfile)["CMD"])
    assert command[0] == "gunicorn"
    assert "0.0.0.0:8000" in command
    assert assert_entry_point_exists(command) == "gunicorn"


def test_the_build_context_leaves_out_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".data", ".env"} <= set(ignored)


@needs_make
@pytest.mark.parametrize("target", ["install", "run", "test", "messages", "lint", "bench"])
def test_the_makefile_has_the_newcomers_targets(target):
    dry_run = subprocess.run(
        ["make", "--dry-run", "--always-make", target], cwd=ROOT, capture_output=True, text=True
    )
    assert dry_run.returncode == 0, dry_run.stderr


@needs_make
def test_make_test_passes_its_arguments_to_pytest_through_devservices():
    dry_run = subprocess.run(
        ["make", "--dry-run", "test", "ARGS=-k hotel"], cwd=ROOT, capture_output=True, text=True
    )
    command = next(line for line in dry_run.stdout.splitlines() if "devservices test" in line)
    assert command.startswith(".venv/bin/python -m config.devservices test -n ")
    assert command.endswith(" -k hotel")
