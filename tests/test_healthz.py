"""/healthz tells a load balancer, without a login, whether the database and the broker answer."""

import os

import pytest
from django.db import OperationalError

import core.views
from config.celery import app

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "broker": "ok", "status": "ok"}


class _DatabaseDown:
    def cursor(self):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def filesystem_broker(monkeypatch, tmp_path):
    """The single-machine broker (no REDIS_URL): messages go through a writable folder."""
    queue = tmp_path / "queue"
    queue.mkdir()
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue)}
    monkeypatch.setitem(app.conf, "broker_url", "filesystem://")
    monkeypatch.setitem(app.conf, "broker_transport_options", options)
    return queue


def _assert_never_cached(response):
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_it_answers_ok_without_login(client, filesystem_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == ALL_OK
    _assert_never_cached(response)


@pytest.mark.redis
def test_it_answers_ok_with_redis_as_broker(client, monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", os.environ["REDIS_URL"])

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == ALL_OK


def test_it_reports_an_unreachable_broker(client, monkeypatch):
    # Nothing listens on port 1.
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable", "status": "unavailable"}
    _assert_never_cached(response)


def test_it_reports_a_broker_folder_it_cannot_write_to(client, filesystem_broker, monkeypatch):
    monkeypatch.setitem(
        app.conf,
        "broker_transport_options",
        {
            "data_folder_in": str(filesystem_broker / "missing"),
            "data_folder_out": str(filesystem_broker),
        },
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_it_reports_an_unreachable_database(client, filesystem_broker, monkeypatch):
    monkeypatch.setattr(core.views, "connection", _DatabaseDown())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "broker": "ok", "status": "unavailable"}
    _assert_never_cached(response)


def test_it_refuses_post(client, filesystem_broker):
    response = client.post("/healthz")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
