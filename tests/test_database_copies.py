"""The test databases of pytest-xdist's workers: migrated once per run, copied for each worker."""

import copy

import pytest
from django.db import connection, connections

from tests import databases


def _name(worker: str) -> str:
    """Beside this test's own database, so that two runs on one server do not meet."""
    return f"{connection.settings_dict['NAME']}_copies_{worker}"


def _worker_connection(worker: str):
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["TEST"]["NAME"] = _name(worker)
    return type(connections["default"])(settings_dict, alias="default")


def _tables(worker_connection) -> list[tuple[str]]:
    with worker_connection.cursor() as cursor:
        cursor.execute("SELECT run FROM migrated")
        tables = cursor.fetchall()
    worker_connection.close()
    return tables


@pytest.mark.django_db
def test_it_migrates_once_per_run_and_copies_the_result_for_each_worker():
    runs = []

    def migrate(verbosity, autoclobber, serialize):
        """Stands for the migrations: an empty database with one table naming the run."""
        creation = worker.creation
        name = creation._get_test_db_name()
        creation._create_test_db(verbosity=0, autoclobber=autoclobber, keepdb=False)
        worker.settings_dict["NAME"] = name
        with worker.cursor() as cursor:
            cursor.execute("CREATE TABLE migrated (run text)")
            cursor.execute("INSERT INTO migrated VALUES (%s)", [run])
        runs.append(run)
        return name

    workers = {name: _worker_connection(name) for name in ("gw8", "gw9")}
    try:
        # Both workers of a first run, then a worker of a later run (a new migration since?).
        for run, names in (("run-1", ("gw8", "gw9")), ("run-2", ("gw8",))):
            for name in names:
                worker = workers[name]
                created = databases.copy_of_the_migrated_template(
                    worker.creation, migrate, name, run, verbosity=0
                )
                assert created == _name(name)
                assert worker.settings_dict["NAME"] == created
                assert _tables(worker) == [(run,)], "each worker gets its run's migrations"
        assert runs == ["run-1", "run-2"], "one migration per run, whatever the workers"
    finally:
        with connection.creation._nodb_cursor() as cursor:
            for name in (*workers, "template"):
                cursor.execute(f'DROP DATABASE IF EXISTS "{_name(name)}"')


def test_it_names_one_template_for_every_worker_of_a_run():
    assert databases.template_name("test_ancrage_gw0", "gw0") == "test_ancrage_template"
    assert databases.template_name("test_ancrage_gw1", "gw1") == "test_ancrage_template"
