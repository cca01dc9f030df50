"""Shared fixtures: one named persona per role, logged-in clients, and service requirements.

Tests that need Redis or a browser carry a marker (`redis`, `browser`). Where the service is
missing they are skipped with the reason on a newcomer's machine, and fail under CI=true.
"""

import os
import shutil
import socket
import uuid
import warnings
from urllib.parse import urlparse

import pytest
import pytest_django.fixtures
from django.test import Client
from pytest_django.plugin import blocking_manager_key

from accounts.roles import Role
from tests import databases
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


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def _uses_the_database(item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or any(
        name in fixtures for name in ("db", "transactional_db", "live_server", "django_db_setup")
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Every transactional test (a live server's too) restores the migrations' rows (content
    types, role groups, the seeded catalogue) instead of letting the flush re-create them with
    new ids, which would make the next test that restores them fail on duplicates.

    Tests that need no database run first (pytest-django runs them last): pytest-xdist hands
    the first worker the start of the list, so it runs them while the other worker migrates the
    template database both copy, instead of waiting for it (see tests/databases.py)."""
    items.sort(key=_uses_the_database)
    for item in items:
        if not _is_transactional(item):
            continue
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("serialized_rollback"):
            kwargs = {**(marker.kwargs if marker else {}), "serialized_rollback": True}
            kwargs["transaction"] = True
            args = marker.args if marker else ()
            item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's, except that pytest-xdist's workers copy one database migrated once for
    the whole run instead of each running the migrations (see tests/databases.py)."""
    setup = pytest_django.fixtures.django_db_setup.__wrapped__(
        request,
        django_test_environment,
        django_db_blocker,
        django_db_use_migrations,
        django_db_keepdb,
        django_db_createdb,
        django_db_modify_db_settings,
    )
    worker = getattr(request.config, "workerinput", None)
    if worker is None or not django_db_use_migrations:
        yield from setup
        return
    with databases.copied_from_one_migration(worker["workerid"], worker["testrunuid"]):
        next(setup)
    yield
    next(setup, None)


def pytest_sessionfinish(session):
    """The xdist controller drops the database its workers copied theirs from."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from django.db import DatabaseError, connection

    with config.stash[blocking_manager_key].unblock():
        try:
            databases.drop_template(connection.creation._get_test_db_name())
        except DatabaseError as error:
            warnings.warn(f"Could not drop the template test database: {error}", stacklevel=1)


_db_blocker = None


@pytest.fixture(scope="session", autouse=True)
def _keep_the_db_blocker(django_db_blocker):
    global _db_blocker
    _db_blocker = django_db_blocker


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush that empties every table, the migrations' rows
    included. Put them back before a test that does not restore them itself, so that no test
    depends on the order the tests run in (pytest-xdist hands each worker its own order)."""
    yield
    # No next item: the session's teardown has already dropped the test database.
    if not _is_transactional(item) or nextitem is None or _is_transactional(nextitem):
        return
    from django.db import connections

    with _db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


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


@pytest.fixture
def own_cache(settings):
    """An empty cache of this test's own, and a function that empties it again.

    With REDIS_URL set, every test process writes to the same Redis database, and clearing it
    would empty the other processes' caches in the middle of their tests: each test gets a key
    prefix of its own instead (a new one each time the function is called).
    """

    def start_empty() -> None:
        default = {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        settings.CACHES = {**settings.CACHES, "default": default}

    start_empty()
    return start_empty
