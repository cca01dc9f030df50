"""Measure Ancrage's pages under load, served the way production serves them.

Steps: prepare a dedicated database (create, migrate, seed at the scale of the whole scheme),
collect the static files, start gunicorn on a free loopback port with the production settings,
log in once as the demo coordinator, then run a closed-loop load (N clients, each sending its
next request as soon as the previous answer is read) against each page of `bench/pages.py`.
The baseline page is measured before and after the others; each page's p50 is divided by their
mean. See bench/README.md.

    .venv/bin/python bench/run.py [--seconds 10] [--clients 4] [--only home,hotel_detail]
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.pages import BASELINE, PAGES, Page  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ancrage_bench"
HOST = "127.0.0.1"
DEMO_USERNAME = "coordination"
RESULTS_DIR = BASE_DIR / "bench" / "results"
REQUEST_TIMEOUT = 30  # seconds, for one request
HEALTH_TIMEOUT = 60  # seconds for gunicorn to answer /healthz
MAX_REQUESTS_PER_CLIENT = 200_000  # a hard stop, whatever the duration
SETUP_TIMEOUT = 600  # seconds, for each manage.py command
# Variables of the caller's shell that the server may see; everything else is set here, so an
# exported DEBUG=true or SECURE_HTTPS=true in the caller's shell cannot change what is measured.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "REDIS_URL")


class BenchError(Exception):
    pass


# --- Setup -------------------------------------------------------------------------------------


def production_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECURE_HTTPS="false",  # plain HTTP on the loopback: no redirect, no Secure cookies
        TWO_FACTOR_REQUIRED="false",  # the bench user logs in with a password only
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        ANCRAGE_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


def create_database(database_url: str, fresh: bool) -> bool:
    """Create the database named in the URL if it does not exist (after dropping it if `fresh`).

    Returns True if it was created.
    """
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(database_url)
    name = params.get("dbname")
    if not name:
        raise BenchError("DATABASE_URL must name a database.")
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
        if fresh:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return not exists


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT,
    )
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def prepare_database(env: dict[str, str], fresh: bool) -> None:
    created = create_database(env["DATABASE_URL"], fresh)
    step(f"database {database_label(env['DATABASE_URL'])} ({'created' if created else 'exists'})")
    try:
        manage(env, "migrate", "--noinput")
    except BenchError as exc:
        raise BenchError(
            f"{exc}\nIf migrations were rewritten, run again with --fresh-db."
        ) from None
    step("migrated")
    manage(env, "seed_demo", "--scale", "assore", "--allow-production")
    step("seeded (scale assore)")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    step("static files collected")


def resolve_paths(env: dict[str, str], pages: list[Page]) -> dict[str, str]:
    """Each page's path; functions among them query the benchmark database through Django."""
    os.environ.update(env, LOG_LEVEL="WARNING")  # this process only: no start-up chatter
    import django

    django.setup()
    from django.db import connections

    paths = {}
    try:
        for page in pages:
            try:
                paths[page.name] = page.resolve()
            except Exception as exc:
                raise BenchError(
                    f"The path of page {page.name!r} cannot be found: {exc!r}"
                ) from exc
    finally:
        connections.close_all()
    return paths


def database_label(database_url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(database_url)
    return f"{params.get('dbname')}@{params.get('host', 'localhost')}:{params.get('port', 5432)}"


# --- Server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port: int, workers: int, worker_class: str, log_path: Path):
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--no-control-socket",
        "--log-level", "warning",
    ]  # fmt: skip
    # A session of its own: Ctrl-C reaches this script only, which then stops gunicorn in order.
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True
        )


def wait_until_healthy(process, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited ({process.returncode}):\n{tail(log_path)}")
        try:
            status, _headers, body = fetch(port, "GET", "/healthz", timeout=5)
            if status == 200:
                return
            last = f"{status} {body[:200]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.25)
    raise BenchError(
        f"/healthz did not answer 200 in {HEALTH_TIMEOUT} s ({last}):\n{tail(log_path)}"
    )


def stop_gunicorn(process) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # SIGTERM: the master stops its workers and exits
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the session started for this gunicorn only
        process.wait(timeout=15)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- HTTP --------------------------------------------------------------------------------------


def fetch(port, method, path, headers=None, body=None, timeout=REQUEST_TIMEOUT):
    """One request on a new connection, closed afterwards.

    A fresh connection per request lets the kernel hand each one to whichever worker is free;
    with kept-alive connections a worker keeps the clients it accepted first, however busy.
    """
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(
            method,
            path,
            body=body,
            headers={
                "Connection": "close",
                "Accept-Language": "fr",
                "User-Agent": "ancrage-bench",
                **(headers or {}),
            },
        )
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def cookies_from(headers: Message) -> dict[str, str]:
    jar = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def log_in(port: int, username: str, password: str) -> str:
    """Log in through the real form once and return the Cookie header of the session.

    django-axes locks the account after a few failures, so this never retries.
    """
    status, headers, body = fetch(port, "GET", "/connexion/")
    if status != 200:
        raise BenchError(f"GET /connexion/ answered {status}")
    cookies = cookies_from(headers)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if match is None or "csrftoken" not in cookies:
        raise BenchError("The login page has no CSRF token.")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password}
    )
    status, headers, _body = fetch(
        port,
        "POST",
        "/connexion/",
        headers={
            "Cookie": cookie_header(cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port}/connexion/",
        },
        body=form,
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise BenchError(
            f"Login as {username!r} failed (status {status}). Wrong demo password, or locked out "
            "by django-axes after repeated failures (it resets after AXES_COOLOFF_MINUTES)."
        )
    session = cookie_header(cookies)
    status, _headers, _body = fetch(port, "GET", BASELINE.resolve(), headers={"Cookie": session})
    if status != 200:
        raise BenchError(f"Logged in, but {BASELINE.resolve()} answered {status}.")
    return session


# --- Load --------------------------------------------------------------------------------------


@dataclass
class Measurement:
    name: str
    path: str
    anonymous: bool
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # of 200 answers, in order of arrival
    statuses: Counter = field(default_factory=Counter)  # status code, or the exception's name

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return self.requests - self.statuses.get("200", 0)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return percentile(sorted(self.latencies_ms), q)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of sorted values, interpolated between the two closest ranks."""
    if not values:
        return math.nan
    rank = (len(values) - 1) * q
    low = math.floor(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def load(port, page: Page, path: str, session: str, clients: int, seconds: float) -> Measurement:
    """Closed loop: `clients` threads, each sending its next request when the last one is read."""
    measurement = Measurement(page.name, path, page.anonymous)
    headers = {} if page.anonymous else {"Cookie": session}
    per_client: list[tuple[list[float], Counter]] = [([], Counter()) for _ in range(clients)]
    stop = threading.Event()

    def client(latencies: list[float], statuses: Counter) -> None:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if stop.is_set() or time.perf_counter() >= deadline:
                return
            started = time.perf_counter()
            try:
                status, _headers, _body = fetch(port, "GET", path, headers=headers)
            except (OSError, http.client.HTTPException) as exc:
                statuses[type(exc).__name__] += 1
                time.sleep(0.01)  # a refused connection fails at once: do not spin
                continue
            elapsed_ms = (time.perf_counter() - started) * 1000
            statuses[str(status)] += 1
            if status == 200:
                latencies.append(elapsed_ms)

    threads = [
        threading.Thread(target=client, args=per_client[i], daemon=True) for i in range(clients)
    ]
    started = time.perf_counter()
    deadline = started + seconds
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    finally:
        stop.set()
    measurement.seconds = time.perf_counter() - started
    for latencies, statuses in per_client:
        measurement.latencies_ms.extend(latencies)
        measurement.statuses.update(statuses)
    return measurement


# --- Report ------------------------------------------------------------------------------------

COLUMNS = (
    ("page", 20, "<"), ("requests", 8, ">"), ("errors", 6, ">"), ("req/s", 7, ">"),
    ("p50 ms", 8, ">"), ("p95 ms", 8, ">"), ("p99 ms", 8, ">"), ("p50/base", 8, ">"),
)  # fmt: skip


def table(rows: list[tuple[str, Measurement]], baseline_p50: float) -> str:
    def line(cells) -> str:
        return "  ".join(
            f"{cell:{align}{width}}"
            for cell, (_t, width, align) in zip(cells, COLUMNS, strict=True)
        )

    out = [line(title for title, _w, _a in COLUMNS), "  ".join("-" * w for _t, w, _a in COLUMNS)]
    for label, m in rows:
        out.append(
            line(
                [
                    label,
                    str(m.requests),
                    str(m.errors),
                    f"{m.rate:.1f}",
                    f"{m.percentile(0.50):.1f}",
                    f"{m.percentile(0.95):.1f}",
                    f"{m.percentile(0.99):.1f}",
                    f"{m.percentile(0.50) / baseline_p50:.2f}",
                ]
            )
        )
    return "\n".join(out)


def as_json(label: str, m: Measurement, baseline_p50: float) -> dict:
    return {
        "name": label,
        "path": m.path,
        "anonymous": m.anonymous,
        "seconds": round(m.seconds, 3),
        "requests": m.requests,
        "errors": m.errors,
        "statuses": dict(m.statuses),
        "requests_per_second": round(m.rate, 2),
        "p50_ms": round(m.percentile(0.50), 3),
        "p95_ms": round(m.percentile(0.95), 3),
        "p99_ms": round(m.percentile(0.99), 3),
        "mean_ms": round(sum(m.latencies_ms) / len(m.latencies_ms), 3) if m.latencies_ms else None,
        "max_ms": round(max(m.latencies_ms), 3) if m.latencies_ms else None,
        "p50_ratio_to_baseline": round(m.percentile(0.50) / baseline_p50, 3),
        "latencies_ms": [round(value, 2) for value in m.latencies_ms],
    }


def git_state() -> dict:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, text=True)
        return result.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
    }


def step(message: str) -> None:
    print(f"· {message}", flush=True)


# --- Main --------------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    names = [page.name for page in PAGES]
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10, help="measured duration per page (10)")
    parser.add_argument(
        "--warmup", type=float, default=2, help="unrecorded load before each page (2)"
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument(
        "--fresh-db",
        action="store_true",
        help="drop and recreate the benchmark database first (after migrations were rewritten)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"measure these pages only (repeat or comma-separate); the baseline is always "
        f"measured. Pages: {', '.join(names)}",
    )
    args = parser.parse_args(argv)
    args.only = [name.strip() for value in args.only for name in value.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(names))
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(names)}")
    if not (0 < args.seconds <= 600 and 0 <= args.warmup <= 60 and 1 <= args.clients <= 64):
        parser.error("expected 0 < --seconds <= 600, 0 <= --warmup <= 60, 1 <= --clients <= 64")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    pages = [p for p in PAGES if p.name != BASELINE.name and (not args.only or p.name in args.only)]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops gunicorn

    load_before = os.getloadavg()[0]  # other work on the machine skews every figure
    data_dir = Path(tempfile.mkdtemp(prefix="ancrage-bench-"))
    for folder in ("broker/queue", "broker/processed"):  # the filesystem broker when no REDIS_URL
        (data_dir / folder).mkdir(parents=True)
    env = production_env(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, data_dir)
    log_path = data_dir / "gunicorn.log"
    server = None
    try:
        prepare_database(env, args.fresh_db)
        paths = resolve_paths(env, [BASELINE, *pages])
        from accounts.demo import DEMO_PASSWORD

        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.worker_class, log_path)
        wait_until_healthy(server, port, log_path)
        step(f"gunicorn on {HOST}:{port}, {args.workers} {args.worker_class} workers")
        sessions = {}
        for username in dict.fromkeys([DEMO_USERNAME, *(p.user for p in pages if p.user)]):
            sessions[username] = log_in(port, username, DEMO_PASSWORD)
            step(f"logged in as {username}")

        def run(label: str, page: Page) -> Measurement:
            path, session = paths[page.name], sessions[page.user or DEMO_USERNAME]
            if args.warmup:
                load(port, page, path, session, args.clients, args.warmup)
            measurement = load(port, page, path, session, args.clients, args.seconds)
            step(f"{label:<20} {path:<24} {measurement.requests:>6} requests")
            return measurement

        step(f"{args.clients} clients, {args.warmup:g} s warm-up + {args.seconds:g} s per page")
        before = run("baseline (before)", BASELINE)
        measured = [(page.name, run(page.name, page)) for page in pages]
        after = run("baseline (after)", BASELINE)
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{tail(log_path)}")
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            stop_gunicorn(server)
        shutil.rmtree(data_dir, ignore_errors=True)

    baseline_p50 = (before.percentile(0.5) + after.percentile(0.5)) / 2
    rows = [("baseline (before)", before), *measured, ("baseline (after)", after)]
    now = datetime.datetime.now().astimezone()
    print()
    print(
        f"Ancrage bench {now:%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, {args.workers} "
        f"{args.worker_class} workers, {args.clients} clients, {args.seconds:g} s per page, "
        f"load average {load_before:.2f} before the run"
    )
    print(table(rows, baseline_p50))
    drift = after.percentile(0.5) / before.percentile(0.5)
    print(
        f"baseline p50 = {baseline_p50:.2f} ms, the mean of before and after "
        f"(after/before = {drift:.2f})"
    )
    if not 0.8 <= drift <= 1.25:
        print("warning: the baseline moved by more than 20% during the run: the machine is noisy")
    if any(m.errors for _label, m in rows):
        print("warning: some requests did not answer 200: see `statuses` in the JSON")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result_path = RESULTS_DIR / f"{now:%Y%m%d-%H%M%S}.json"
    result = {
        "date": now.isoformat(timespec="seconds"),
        **git_state(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_before": round(load_before, 2),
        },
        "options": {
            "clients": args.clients,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "workers": args.workers,
            "worker_class": args.worker_class,
            "database": database_label(env["DATABASE_URL"]),
            "redis": bool(env.get("REDIS_URL")),
        },
        "baseline_p50_ms": round(baseline_p50, 3),
        "baseline_drift": round(drift, 3),
        "pages": [as_json(label, m, baseline_p50) for label, m in rows],
    }
    result_path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {result_path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
