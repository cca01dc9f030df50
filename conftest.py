"""Shared fixtures: one named persona per role, logged-in clients, and service requirements.

Tests that need Redis or a browser carry a marker (`redis`, `browser`). Where the service is
missing they are skipped with the reason on a newcomer's machine, and fail under CI=true.
"""

import functools
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.test import Client

from accounts.roles import Role, sync_role_groups
from tests.factories import UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _redis_missing() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set"
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2):
            return None
    except OSError as exc:
        return f"Redis at {url} does not answer ({exc})"


def _browser_missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrations' rows (content types, role groups, the
    seeded catalogue) instead of letting the flush re-create them with new ids, which would make
    the next test that restores them fail on duplicates."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


def pytest_runtest_setup(item):
    for marker, probe in (("redis", _redis_missing), ("browser", _browser_missing)):
        if item.get_closest_marker(marker) is None:
            continue
        missing = probe()
        if missing is None:
            continue
        if _in_ci():
            pytest.fail(f"{missing}: required under CI=true", pytrace=False)
        pytest.skip(missing)


@functools.cache
def _migrated_apps():
    """The models as the migrations see them: what the data migrations run against."""
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(None, ignore_no_migrations=True).project_state().apps


@pytest.fixture
def role_groups(db):
    """The role groups with their permissions, as the data migrations made them.

    A transactional test ends with a flush that removes them (and a reused test database keeps
    that state): code that looks a group up by name, like the demo seeders, needs them back."""
    from django.contrib.auth.models import Group

    if Group.objects.filter(name__in=Role.values).count() < len(Role):
        sync_role_groups(_migrated_apps())


def _persona(username: str, *roles: str):
    return UserFactory(username=username, roles=roles)


@pytest.fixture
def alice(db):
    """Alice, social worker."""
    return _persona("alice", Role.SOCIAL_WORKER)


@pytest.fixture
def nina(db):
    """Nina, nurse."""
    return _persona("nina", Role.NURSE)


@pytest.fixture
def paul(db):
    """Paul, psychiatrist."""
    return _persona("paul", Role.PSYCHIATRIST)


@pytest.fixture
def chloe(db):
    """Chloé, coordinator."""
    return _persona("chloe", Role.COORDINATOR)


@pytest.fixture
def marc(db):
    """Marc, manager (chef de service)."""
    return _persona("marc", Role.MANAGER)


@pytest.fixture
def ada(db):
    """Ada, administrator of accounts."""
    return _persona("ada", Role.ADMIN)


@pytest.fixture
def personas(alice, nina, paul, chloe, marc, ada):
    return {
        Role.SOCIAL_WORKER: alice,
        Role.NURSE: nina,
        Role.PSYCHIATRIST: paul,
        Role.COORDINATOR: chloe,
        Role.MANAGER: marc,
        Role.ADMIN: ada,
    }


@pytest.fixture
def client_for():
    """client_for(user) -> a test client logged in as that user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
