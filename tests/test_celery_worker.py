"""A real Celery worker takes tasks from Redis and stores their results there.

The test settings run tasks eagerly, in the caller's process; these tests switch the project's own
Celery app back to sending messages, so they prove the broker, the worker and the result store
work together the way they do in production.
"""

import os
import uuid

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult

from config.celery import app
from core.tasks import ping

pytestmark = pytest.mark.redis


def _keep_logging_as_is(**kwargs):
    """While a receiver exists, Celery does not replace the root logger's handlers and level."""


def _drop_cached_connections():
    # The app caches its broker pools and result backend: drop them when switching configuration,
    # so neither this test nor the next one talks to the other's broker. (kombu keys the pools
    # themselves by broker URL, so dropping the references is enough.)
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_app(monkeypatch):
    """The project's Celery app, sending its messages to Redis and keeping results there."""
    redis_url = os.environ["REDIS_URL"]
    monkeypatch.setitem(app.conf, "broker_url", redis_url)
    monkeypatch.setitem(app.conf, "result_backend", redis_url)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    _drop_cached_connections()
    yield app
    _drop_cached_connections()


@pytest.fixture
def worker(redis_app):
    signals.setup_logging.connect(_keep_logging_as_is)
    try:
        with start_worker(redis_app, perform_ping_check=False, shutdown_timeout=20) as running:
            yield running
    finally:
        signals.setup_logging.disconnect(_keep_logging_as_is)


def test_it_runs_a_task_on_a_worker_and_returns_its_result(worker):
    result = ping.delay()

    assert not isinstance(result, EagerResult), "the task ran in the test, not on the worker"
    assert result.get(timeout=20) == "pong"
    assert result.state == "SUCCESS"


def test_it_sends_task_messages_as_json_only(redis_app):
    assert redis_app.conf.task_serializer == "json"
    assert redis_app.conf.result_serializer == "json"
    assert redis_app.conf.accept_content == ["json"]

    # No worker listens on this queue: the message stays in Redis for us to read as sent.
    queue_name = f"test-json-{uuid.uuid4().hex}"
    sent = ping.apply_async(queue=queue_name)
    with redis_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            message = queue.get(timeout=5)
            message.ack()
        finally:
            queue.queue.delete()
            queue.close()

    assert message.content_type == "application/json"
    assert message.headers["task"] == "core.tasks.ping"
    assert message.headers["id"] == sent.id
    args, kwargs, _options = message.decode()
    assert (args, kwargs) == ([], {})
