"""Open-loop load test: a realistic mix of Ancrage's busiest pages at a fixed rate.

Unlike `bench/run.py` (closed loop, one page at a time), requests start on a fixed schedule —
`--rate` per second for `--seconds` — whether or not the previous answers have come back, as
a team's phones would. A slow server therefore shows as growing latency, not as a lower rate.
Latency is measured from the moment a request was due, so a request that waited for a free
client thread counts that wait too.

The server is the one of `bench/run.py`: its dedicated database (migrated, seeded at the
`assore` scale), gunicorn on a loopback port with the production settings, the demo
coordinator's session. The mix, each request drawn at random with these weights:

    board             15  the occupancy board, /hotels/tableau/
    resident_detail   20  a housed resident's page (each opening writes the access log)
    waiting_list      10  the admissions waiting list
    my_visits_today   20  today's visits of a worker with a round today
    log_visit         20  a visit of today: its page (GET, for the form's one-time token), then
                          the outcome (POST); the GET and the POST count as two requests
    voucher_week      15  the weekly meal-voucher sheet (if the harmreduction app is there)

    .venv/bin/python bench/load.py [--rate 30] [--seconds 60] [--workers 2]

It stops by itself: at most rate × seconds scheduled actions, then it waits for the last answers
(at most the request timeout), stops gunicorn and prints requests sent, errors (answers other
than 2xx/3xx, and connection failures), p50/p95/p99 latency and the achieved rate. The exit
status is 1 if any request failed. See bench/README.md, "Load test".
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEMO_USERNAME,
    HOST,
    RESULTS_DIR,
    BenchError,
    cookies_from,
    database_label,
    fetch,
    free_port,
    log_in,
    percentile,
    prepare_database,
    production_env,
    start_gunicorn,
    step,
    stop_gunicorn,
    tail,
    wait_until_healthy,
)

DEFAULT_LOAD_DATABASE_URL = DEFAULT_DATABASE_URL.rsplit("/", 1)[0] + "/ancrage_load"
MIX = {
    "board": 15,
    "resident_detail": 20,
    "waiting_list": 10,
    "my_visits_today": 20,
    "log_visit": 20,
    "voucher_week": 15,
}
CLIENT_THREADS = 64  # enough that a slow answer never holds back the schedule at 30/s
MAX_SCHEDULED = 100_000  # a hard stop, whatever the options
TOKEN = re.compile(rb'name="form_token" value="([^"]+)"')
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def targets() -> dict[str, list[str]]:
    """The paths of the mix, looked up in the benchmark database (after django.setup())."""
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from placements.models import Placement
    from visits.models import Visit, VisitStatus

    today = timezone.localdate()
    housed = list(
        Placement.objects.current(today).order_by("pk").values_list("resident_id", flat=True)[:200]
    )
    if not housed:
        raise BenchError("No housed resident in the benchmark database: did seed_demo run?")
    visits_today = Visit.objects.filter(planned_on=today).exclude(status=VisitStatus.CANCELLED)
    visit_ids = list(visits_today.order_by("pk").values_list("pk", flat=True)[:200])
    workers = sorted(set(visits_today.exclude(worker=None).values_list("worker_id", flat=True)))
    if not visit_ids or not workers:
        raise BenchError("No visit planned today in the benchmark database: did seed_demo run?")
    found = {
        "board": [reverse("placements:board")],
        "resident_detail": [reverse("residents:resident_detail", args=[pk]) for pk in housed],
        "waiting_list": [reverse("residents:waiting_list")],
        "my_visits_today": [
            f"{reverse('visits:today')}?jour={today.isoformat()}&intervenant={pk}" for pk in workers
        ],
        "log_visit": [reverse("visits:visit_detail", args=[pk]) for pk in visit_ids],
    }
    if apps.is_installed("harmreduction"):
        try:
            found["voucher_week"] = [reverse("harmreduction:voucher_week")]
        except NoReverseMatch:
            pass
    return found


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies_ms: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.failures: list[str] = []

    def record(self, name: str, status: str, latency_ms: float, path: str) -> None:
        with self.lock:
            self.statuses[name][status] += 1
            self.latencies_ms[name].append(latency_ms)
            if not ok(status) and len(self.failures) < 20:
                self.failures.append(f"{name} {path}: {status}")


def ok(status: str) -> bool:
    return status.isdigit() and 200 <= int(status) < 400


def request(port, results, name, due, method, path, headers, body=None):
    """One request; its latency counts from `due`, the moment the schedule wanted it sent."""
    try:
        status, response_headers, content = fetch(port, method, path, headers=headers, body=body)
        status = str(status)
    except (OSError, http.client.HTTPException) as exc:
        status, response_headers, content = type(exc).__name__, None, b""
    results.record(name, status, (time.perf_counter() - due) * 1000, path)
    return status, response_headers, content


def log_visit(port, results, session: str, due: float, path: str) -> None:
    """The visit page, then its outcome: what a worker's two taps cost the server."""
    headers = {"Cookie": session}
    status, response_headers, content = request(
        port, results, "log_visit (GET)", due, "GET", path, headers
    )
    if status != "200":
        return
    token, csrf = TOKEN.search(content), CSRF.search(content)
    if token is None or csrf is None:
        results.record("log_visit (POST)", "no form on the visit page", 0.0, path)
        return
    cookies = cookies_from(response_headers)
    cookie = (
        session if "csrftoken" not in cookies else f"{session}; csrftoken={cookies['csrftoken']}"
    )
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf.group(1).decode(),
            "form_token": token.group(1).decode(),
            "outcome": "seen",
            "room": "Chambre rangée, bonne humeur.",
        }
    )
    request(
        port,
        results,
        "log_visit (POST)",
        time.perf_counter(),
        "POST",
        path,
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port}{path}",
        },
        form,
    )


def run_load(port, session: str, paths: dict[str, list[str]], rate: float, seconds: float):
    """Send the mix on a fixed schedule; return the results and the seconds it took."""
    mix = {name: weight for name, weight in MIX.items() if name in paths}
    names, weights = list(mix), list(mix.values())
    chooser = random.Random(20261126)  # the same sequence of pages on every run
    results = Results()
    total = min(int(rate * seconds), MAX_SCHEDULED)
    interval = 1.0 / rate
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        for index in range(total):
            due = started + index * interval
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            name = chooser.choices(names, weights)[0]
            path = chooser.choice(paths[name])
            if name == "log_visit":
                pool.submit(log_visit, port, results, session, due, path)
            else:
                pool.submit(request, port, results, name, due, "GET", path, {"Cookie": session})
    return results, time.perf_counter() - started


def report(results: Results, elapsed: float, args, load_before: float) -> dict:
    rows = []
    every = []
    for name in sorted(results.statuses):
        latencies = sorted(results.latencies_ms[name])
        every.extend(latencies)
        statuses = results.statuses[name]
        rows.append(
            {
                "name": name,
                "requests": sum(statuses.values()),
                "errors": sum(n for status, n in statuses.items() if not ok(status)),
                "statuses": dict(statuses),
                "p50_ms": round(percentile(latencies, 0.50), 1),
                "p95_ms": round(percentile(latencies, 0.95), 1),
                "p99_ms": round(percentile(latencies, 0.99), 1),
            }
        )
    every.sort()
    sent = sum(row["requests"] for row in rows)
    summary = {
        "requests": sent,
        "errors": sum(row["errors"] for row in rows),
        "p50_ms": round(percentile(every, 0.50), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
        "p99_ms": round(percentile(every, 0.99), 1),
        "achieved_rate": round(sent / elapsed, 2) if elapsed else 0.0,
        "seconds": round(elapsed, 2),
    }
    print()
    print(
        f"Ancrage load test, {os.cpu_count()} CPUs, {args.workers} {args.worker_class} gunicorn "
        f"workers, {args.rate:g} actions/s for {args.seconds:g} s, load average "
        f"{load_before:.2f} before the run"
    )
    header = (
        f"{'page':<18}  {'requests':>8}  {'errors':>6}  {'p50 ms':>8}  {'p95 ms':>8}  {'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in [*rows, {"name": "all", **summary}]:
        print(
            f"{row['name']:<18}  {row['requests']:>8}  {row['errors']:>6}  {row['p50_ms']:>8.1f}  "
            f"{row['p95_ms']:>8.1f}  {row['p99_ms']:>8.1f}"
        )
    print(
        f"requests sent: {summary['requests']}, errors: {summary['errors']}, achieved rate: "
        f"{summary['achieved_rate']:.2f} requests/s over {summary['seconds']:.1f} s"
    )
    for failure in results.failures:
        print(f"error: {failure}")
    return {"summary": summary, "pages": rows}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=30, help="actions per second (30)")
    parser.add_argument("--seconds", type=float, default=60, help="duration of the schedule (60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument(
        "--fresh-db",
        action="store_true",
        help="drop and recreate the load test's database first (after migrations were rewritten)",
    )
    parser.add_argument(
        "--no-setup",
        action="store_true",
        help="skip migrate, seed_demo and collectstatic: the database was prepared by a run",
    )
    args = parser.parse_args(argv)
    if not (0 < args.rate <= 500 and 0 < args.seconds <= 600 and 1 <= args.workers <= 16):
        parser.error("expected 0 < --rate <= 500, 0 < --seconds <= 600, 1 <= --workers <= 16")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops gunicorn
    load_before = os.getloadavg()[0]
    data_dir = Path(tempfile.mkdtemp(prefix="ancrage-load-"))
    for folder in ("broker/queue", "broker/processed"):  # the filesystem broker when no REDIS_URL
        (data_dir / folder).mkdir(parents=True)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_LOAD_DATABASE_URL
    env = production_env(database_url, data_dir)
    log_path = data_dir / "gunicorn.log"
    server = None
    try:
        if not args.no_setup:
            prepare_database(env, args.fresh_db)
        os.environ.update(env, LOG_LEVEL="WARNING")  # this process only: no start-up chatter
        import django

        django.setup()
        from django.db import connections

        from accounts.demo import DEMO_PASSWORD

        try:
            paths = targets()
        finally:
            connections.close_all()
        skipped = sorted(set(MIX) - set(paths))
        if skipped:
            step(f"not in this project, left out of the mix: {', '.join(skipped)}")
        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.worker_class, log_path)
        wait_until_healthy(server, port, log_path)
        step(f"gunicorn on {HOST}:{port}, {args.workers} {args.worker_class} workers")
        session = log_in(port, DEMO_USERNAME, DEMO_PASSWORD)
        step(f"logged in as {DEMO_USERNAME}; {args.rate:g} actions/s for {args.seconds:g} s")
        results, elapsed = run_load(port, session, paths, args.rate, args.seconds)
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{tail(log_path)}")
    except BenchError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("load: interrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            stop_gunicorn(server)
        shutil.rmtree(data_dir, ignore_errors=True)

    figures = report(results, elapsed, args, load_before)
    now = datetime.datetime.now().astimezone()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result_path = RESULTS_DIR / f"load-{now:%Y%m%d-%H%M%S}.json"
    options = {
        "rate": args.rate,
        "seconds": args.seconds,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "database": database_label(env["DATABASE_URL"]),
        "redis": bool(env.get("REDIS_URL")),
        "mix": {name: MIX[name] for name in MIX if name in paths},
    }
    result = {
        "date": now.isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "options": options,
        **figures,
    }
    result_path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {result_path.relative_to(BASE_DIR)}")
    return 1 if figures["summary"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
