"""Profile pages one request at a time, in-process, on the production settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_bench \
        .venv/bin/python bench/profile_page.py home board --runs 30
    .venv/bin/python bench/profile_page.py resident_detail --queries     # each SQL statement
    .venv/bin/python bench/profile_page.py statement_xlsx --cprofile 25  # the top functions

Where `bench/run.py` measures latency under load through gunicorn, this script looks inside one
request: Django's test client sends it through the whole middleware stack as the demo
coordinator, against the seeded benchmark database (run `bench/run.py` once, or `migrate` and
`seed_demo --scale assore`), and prints for each page the median of `--runs` requests after
`--warmup` unrecorded ones:

- queries: SQL statements run by the request (the same on every run, or a range);
- total: the whole request, from the test client's call to the response;
- SQL: time spent in the database driver;
- template: time inside the views' template rendering, without the SQL it triggered;
- Python: the rest (middleware, views, forms, serialisation);
- CPU: processor time this process used for the request (the database's work excluded): on a
  busy machine it moves far less than the wall-clock times above;
- KiB: the size of the response body (compressed with --gzip, as a browser receives it);
- ×base: total ÷ the baseline page's total (the cheapest authenticated request).

Pages are the names of `bench/pages.py`, or paths starting with "/". Figures in milliseconds
move with the machine's load; compare ratios and counts between runs.
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.pages import BASELINE, PAGES, Page  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ancrage_bench"
DEMO_USERNAME = "coordination"


def production_settings() -> None:
    """The production settings, as bench/run.py gives them to gunicorn, for this process."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        DEBUG="false",
        SECURE_HTTPS="false",
        TWO_FACTOR_REQUIRED="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    if not (BASE_DIR / "staticfiles" / "staticfiles.json").exists():
        # The manifest storage needs the collected files to name them in the pages.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=BASE_DIR,
            check=True,
        )


@dataclass
class Run:
    queries: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL)
    template_ms: float = 0.0
    template_sql_ms: float = 0.0
    total_ms: float = 0.0
    cpu_ms: float = 0.0
    size: int = 0
    status: int = 0

    @property
    def sql_ms(self) -> float:
        return sum(ms for ms, _sql in self.queries)

    @property
    def python_ms(self) -> float:
        return self.total_ms - self.sql_ms - (self.template_ms - self.template_sql_ms)


class Recorder:
    """Times every SQL statement and every top-level template render of the current request."""

    def __init__(self):
        self.run: Run | None = None
        self._in_template = 0

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if self.run is not None:
                ms = (time.perf_counter() - started) * 1000
                self.run.queries.append((ms, sql))
                if self._in_template:
                    self.run.template_sql_ms += ms

    @contextmanager
    def template(self):
        if self.run is None or self._in_template:
            yield
            return
        self._in_template += 1
        started = time.perf_counter()
        try:
            yield
        finally:
            self._in_template -= 1
            self.run.template_ms += (time.perf_counter() - started) * 1000


def instrument_templates(recorder: Recorder) -> None:
    from django.template.backends.django import Template

    render = Template.render

    def timed_render(self, context=None, request=None):
        with recorder.template():
            return render(self, context, request)

    Template.render = timed_render


def request_once(client, path: str, recorder: Recorder) -> Run:
    run = recorder.run = Run()
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(path)
    body = b"".join(response) if response.streaming else response.content
    run.total_ms = (time.perf_counter() - started) * 1000
    run.cpu_ms = (time.process_time() - cpu_started) * 1000
    recorder.run = None
    run.size, run.status = len(body), response.status_code
    return run


def median(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def query_range(runs: list[Run]) -> str:
    counts = sorted({len(run.queries) for run in runs})
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("pages", nargs="*", help="page names of bench/pages.py, or paths")
    parser.add_argument("--runs", type=int, default=20, help="measured requests per page (20)")
    parser.add_argument("--warmup", type=int, default=3, help="unrecorded requests first (3)")
    parser.add_argument("--user", default=DEMO_USERNAME, help="who requests the pages")
    parser.add_argument("--queries", action="store_true", help="print each SQL statement of a run")
    parser.add_argument(
        "--gzip", action="store_true", help="accept gzip-compressed answers, as browsers do"
    )
    parser.add_argument(
        "--cprofile", type=int, default=0, metavar="N", help="print the top N functions (CPU time)"
    )
    args = parser.parse_args(argv)

    production_settings()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    known = {page.name: page for page in PAGES}
    wanted = args.pages or [page.name for page in PAGES if not page.anonymous]
    unknown = [name for name in wanted if name not in known and not name.startswith("/")]
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(known)}")
    pages = [known.get(name) or Page(name, name) for name in wanted]

    recorder = Recorder()
    instrument_templates(recorder)
    headers = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    if args.gzip:
        headers["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br"
    clients = {}

    def client_of(username: str) -> Client:
        if username not in clients:
            clients[username] = Client(**headers)
            clients[username].force_login(User.objects.get(username=username))
        return clients[username]

    anonymous = Client(**headers)

    header = f"{'page':<22}{'queries':>8}{'total':>8}{'SQL':>7}{'tmpl':>7}{'Python':>8}"
    header += f"{'CPU':>7}{'KiB':>7}{'×base':>7}{'CPU×base':>9}"
    print(f"median of {args.runs} requests after {args.warmup} warm-up, in ms")
    print(header)
    print("-" * len(header))
    baseline_ms = baseline_cpu_ms = None
    with connection.execute_wrapper(recorder.execute):
        for page in [BASELINE, *[p for p in pages if p != BASELINE]]:
            path = page.resolve()
            who = anonymous if page.anonymous else client_of(page.user or args.user)
            for _ in range(args.warmup):
                request_once(who, path, recorder)
            runs = [request_once(who, path, recorder) for _ in range(args.runs)]
            if any(run.status != 200 for run in runs):
                print(f"{page.name:<22}answered {sorted({run.status for run in runs})}")
                continue
            total, cpu = median(runs, "total_ms"), median(runs, "cpu_ms")
            if page == BASELINE:
                baseline_ms, baseline_cpu_ms = total, cpu
            print(
                f"{page.name:<22}{query_range(runs):>8}{total:>8.1f}{median(runs, 'sql_ms'):>7.1f}"
                f"{median(runs, 'template_ms') - median(runs, 'template_sql_ms'):>7.1f}"
                f"{median(runs, 'python_ms'):>8.1f}{cpu:>7.1f}{runs[-1].size / 1024:>7.0f}"
                f"{total / baseline_ms:>7.1f}{cpu / baseline_cpu_ms:>9.1f}"
            )
            if args.queries and page != BASELINE:
                for ms, sql in runs[-1].queries:
                    print(f"    {ms:7.2f} ms  {sql[:300]}")
            if args.cprofile and page != BASELINE:
                profiler = cProfile.Profile(time.process_time)
                profiler.enable()
                for _ in range(args.runs):
                    request_once(who, path, recorder)
                profiler.disable()
                for order in ("tottime", "cumulative"):
                    out = io.StringIO()
                    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
                    stats.print_stats(args.cprofile)
                    print(f"--- {page.name}: top {args.cprofile} by {order} ({args.runs} requests)")
                    print(out.getvalue().split("\n", 4)[-1].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
