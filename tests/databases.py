"""One migrated database per test run, copied for each pytest-xdist worker.

Running the migrations is the slowest part of creating a test database (Django renders the state
of the related models again after nearly every operation). Under pytest-xdist each worker needs
its own database: the first worker to need one migrates a template database, and every worker
then creates its own with `CREATE DATABASE … TEMPLATE`, a file copy that takes about a second.

The workers take turns through a PostgreSQL advisory lock, held on the server that holds the
databases (the embedded one too). The template is marked with the run's id (a comment on the
database): a later run migrates its own, with the migrations of its checkout. The controller
drops it at the end of the run.
"""

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.db import connections

TEMPLATE_SUFFIX = "_template"


def template_name(worker_database: str, worker: str) -> str:
    """test_ancrage_gw1 -> test_ancrage_template: one name for every worker of a run."""
    return worker_database.removesuffix(f"_{worker}") + TEMPLATE_SUFFIX


@contextmanager
def copied_from_one_migration(worker: str, run_id: str, alias: str = "default") -> Iterator[None]:
    """While active, creating the test database of `alias` (Django's `create_test_db`) copies the
    run's template database instead of running the migrations."""
    creation = connections[alias].creation
    migrate = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if keepdb:  # --reuse-db: the worker's own database, kept between runs
            return migrate(verbosity, autoclobber, serialize, keepdb)
        database = copy_of_the_migrated_template(creation, migrate, worker, run_id, verbosity)
        settings.DATABASES[alias]["NAME"] = database  # as Django's create_test_db leaves it
        if serialize:
            creation.connection._test_serialized_contents = creation.serialize_db_to_string()
        return database

    with mock.patch.object(creation, "create_test_db", create_test_db):
        yield


def copy_of_the_migrated_template(
    creation, migrate: Callable[..., str], worker: str, run_id: str, verbosity: int = 1
) -> str:
    """Create the worker's test database as a copy of the run's template, once `migrate` (Django's
    `create_test_db`) has created the template if no worker of this run has; its name."""
    connection = creation.connection
    test_settings = connection.settings_dict["TEST"]
    database = creation._get_test_db_name()
    template = template_name(database, worker)
    lock = zlib.crc32(template.encode())
    quote = connection.ops.quote_name
    with creation._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            if not _migrated_for_run(cursor, template, run_id):
                test_settings["NAME"] = template
                try:
                    migrate(verbosity, autoclobber=True, serialize=False)
                finally:
                    test_settings["NAME"] = database
                connection.close()  # a template must have no open connection
                cursor.execute(f"COMMENT ON DATABASE {quote(template)} IS %s", [_mark(run_id)])
            elif verbosity >= 1:
                creation.log(f"Copying the test database {template} migrated for this run…")
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
            cursor.execute(f"CREATE DATABASE {quote(database)} TEMPLATE {quote(template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
    connection.close()
    connection.settings_dict["NAME"] = database
    return database


def drop_template(test_database: str, alias: str = "default") -> None:
    """Drop the run's template database (the controller's test database name + the suffix)."""
    creation = connections[alias].creation
    quote = creation.connection.ops.quote_name
    with creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_database + TEMPLATE_SUFFIX)}")


def _mark(run_id: str) -> str:
    return f"migrated for test run {run_id}"


def _migrated_for_run(cursor, template: str, run_id: str) -> bool:
    cursor.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [template],
    )
    row = cursor.fetchone()
    return row is not None and row[0] == _mark(run_id)
