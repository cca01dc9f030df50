"""A backup restored into a fresh database holds the same rows and gives the same figures."""

import datetime
import json

import psycopg
import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import translation

from placements import occupancy
from reports import figures
from reports.tests import dataset
from reports.tests.dataset import END, START
from tests.factories import PlacementFactory, ResidentFactory


def _connect(name: str) -> psycopg.Connection:
    params = connection.get_connection_params()
    params["dbname"] = name
    return psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})


def _row_counts(conn) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
    }


def _nights(conn) -> list[tuple]:
    start, end = datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)
    return sorted(conn.execute(occupancy._STAY_NIGHTS, {"start": start, "end": end}).fetchall())


def _report_figures() -> dict:
    """Every figure of both activity reports of 2025, as stored with a report (JSON)."""
    return {
        audience: json.loads(
            json.dumps(figures.compute(audience, START, END), cls=DjangoJSONEncoder)
        )
        for audience in ("ars", "operator")
    }


def _report_figures_of(database: str) -> dict:
    """The same, computed by the application connected to `database` instead."""
    settings = connection.settings_dict
    name = settings["NAME"]
    connection.close()
    settings["NAME"] = database
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone()[0] == database
        return _report_figures()
    finally:
        connection.close()
        settings["NAME"] = name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_restores_a_backup_with_the_same_rows_and_figures(tmp_path):
    with translation.override("fr"):
        dataset.build()  # the reports' hand-built 2025: stays, visits, material, notes…
    for day in (3, 10, 20):
        PlacementFactory(resident=ResidentFactory(), start=datetime.date(2025, 3, day))
    with translation.override("fr"):
        expected = _report_figures()
    call_command("backup", directory=tmp_path, keep=2)
    dump = next(tmp_path.glob("ancrage-*.dump"))
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"
    with _connect("postgres") as admin:
        admin.autocommit = True
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        call_command("restore", str(dump), database_url=_url(target))
        with _connect(source) as original, _connect(target) as restored:
            assert _row_counts(restored) == _row_counts(original)
            assert _nights(restored) == _nights(original)
            assert len({place for place, _month, _nights in _nights(original)}) >= 3
        with translation.override("fr"):
            assert _report_figures_of(target) == expected
        assert expected["ars"]["activity"]["rows"], "the year has figures to compare"
    finally:
        with _connect("postgres") as admin:
            admin.autocommit = True
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def _url(name: str) -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or "localhost"
    if host.startswith("/"):
        return f"postgres://{settings['USER']}@/{name}?host={host}"
    return f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}/{name}"


@pytest.mark.django_db
def test_it_keeps_only_the_newest_dumps(tmp_path):
    for stamp in ("20250101T000000Z", "20250102T000000Z", "20250103T000000Z"):
        (tmp_path / f"ancrage-{stamp}.dump").write_bytes(b"old")
    call_command("backup", directory=tmp_path, keep=2)
    kept = sorted(path.name for path in tmp_path.glob("ancrage-*.dump"))
    assert len(kept) == 2
    assert "ancrage-20250103T000000Z.dump" in kept
    assert all(
        not name.startswith("ancrage-2025010") or name.endswith("03T000000Z.dump") for name in kept
    )


@pytest.mark.django_db
def test_it_refuses_to_overwrite_without_confirmation(tmp_path):
    from django.core.management.base import CommandError

    dump = tmp_path / "x.dump"
    dump.write_bytes(b"x")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(dump))
