"""A worker killed in the middle of a report build: the report still gets built, once.

A real Celery worker (a separate process, prefork pool of one) takes the build from Redis. The
test holds a lock on a table the figures read, so the build is stuck half-way (the report already
marked "building"), kills the pool process running it with SIGKILL, then lets go. With `acks_late`
and `task_reject_on_worker_lost`, the message goes back to the queue, the worker's new pool process
builds the report, and there is one report, ready, with one PDF.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from config.celery import app
from reports import services
from reports.models import Report, ReportStatus

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def _wait(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _pool_processes(worker: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def redis_app(monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", os.environ["REDIS_URL"])
    monkeypatch.setitem(app.conf, "result_backend", os.environ["REDIS_URL"])
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("reports")
    yield app
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None


@pytest.fixture
def worker(redis_app, tmp_path, settings):
    """`celery worker -Q reports -c 1` against the test database, writing into `tmp_path`."""
    settings.MEDIA_ROOT = str(tmp_path)
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url + db["NAME"],
        "MEDIA_ROOT": str(tmp_path),
        "SECRET_KEY": "worker-lost-test",
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "reports"]
    command += ["-c", "1", "-P", "prefork", "--without-mingle", "--without-gossip", "-l", "info"]
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        _wait(lambda: "ready." in log.read_text(), "the worker to start")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(log.read_text()[-4000:])


def test_a_report_whose_worker_dies_mid_build_is_built_once(worker, marc, tmp_path):
    report, created = services.report_request(
        audience="ars",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        key="worker-lost",
        by=marc,
    )
    assert created
    # The figures read the stays: while this lock is held, the build stops half-way.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE placements_placement IN ACCESS EXCLUSIVE MODE")
        _wait(
            lambda: Report.objects.get(pk=report.pk).status == ReportStatus.BUILDING,
            "the build to start",
        )
        _wait(_waiting_on_a_lock, "the build to wait in the middle")
        [running] = _pool_processes(worker)
        os.kill(running, signal.SIGKILL)
        _wait(
            lambda: _pool_processes(worker) and _pool_processes(worker) != [running],
            "a new pool process",
        )
    built = _wait(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.READY).first(),
        "the report to be built again",
    )
    assert Report.objects.count() == 1
    assert built.figures["activity"]["rows"], "the figures are stored"
    assert [path.suffix for path in Path(tmp_path).rglob("*.pdf")] == [".pdf"]
    assert worker.poll() is None, "the worker itself survived the loss of its pool process"
