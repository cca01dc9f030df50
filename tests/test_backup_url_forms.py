"""`manage.py backup` and `restore` reach the server through every URL form dj-database-url
accepts: a socket folder in `?host=` or in the host part, a port, a password, libpq options.

Run against whichever server the suite uses: the embedded PostgreSQL (a unix socket only) on a
newcomer's machine, the real one (TCP and its socket) in CI.
"""

from urllib.parse import quote

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.backup import connection_args


def _server_setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def _url_forms(database: str) -> list[str]:
    user = connection.settings_dict["USER"]
    port = _server_setting("port")
    socket_dir = _server_setting("unix_socket_directories").split(",")[0].strip()
    forms = [
        f"postgres://{user}@/{database}?host={quote(socket_dir, safe='')}&port={port}",
        f"postgres://{user}@{quote(socket_dir, safe='')}:{port}/{database}",
        f"postgres://{user}:any-password@/{database}?host={socket_dir}&port={port}",
    ]
    if _server_setting("listen_addresses").strip():
        forms += [
            f"postgres://{user}@127.0.0.1:{port}/{database}",
            f"postgres://{user}:any-password@127.0.0.1:{port}/{database}?sslmode=disable",
            f"postgresql://{user}@/{database}?host=127.0.0.1&port={port}",
        ]
    return forms


def _connect(url: str) -> psycopg.Connection:
    conninfo, env = connection_args(dj_database_url.parse(url))
    return psycopg.connect(conninfo, autocommit=True)


def test_it_keeps_the_socket_folder_the_port_and_the_password_apart():
    conninfo, env = connection_args(
        dj_database_url.parse("postgres://ancrage:s3cret@/ancrage?host=/run/pg&port=5433")
    )
    assert "host=/run/pg" in conninfo and "port=5433" in conninfo
    assert "dbname=ancrage" in conninfo and "user=ancrage" in conninfo
    assert "s3cret" not in conninfo  # the command line is readable by other users
    assert env["PGPASSWORD"] == "s3cret"


def test_the_host_part_wins_over_a_host_option_as_in_django():
    conninfo, _env = connection_args(
        dj_database_url.parse("postgres://u@db.example:5432/ancrage?host=/ignored&sslmode=require")
    )
    assert "host=db.example" in conninfo and "/ignored" not in conninfo
    assert "sslmode=require" in conninfo


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_and_restores_through_every_url_form(tmp_path, monkeypatch):
    source = connection.settings_dict["NAME"]
    target = f"{source}_url_forms"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM auth_group")
        groups = cursor.fetchone()[0]
    assert groups >= 6, "the role groups the migrations create"
    admin_url = _url_forms("postgres")[0]
    forms = list(zip(_url_forms(source), _url_forms(target), strict=True))
    assert len(forms) >= 3
    try:
        for number, (source_url, target_url) in enumerate(forms):
            # backup reads DATABASE_URL (the settings); restore takes --database-url.
            monkeypatch.setitem(settings.DATABASES, "default", dj_database_url.parse(source_url))
            call_command("backup", directory=tmp_path / str(number), keep=1)
            dump = next((tmp_path / str(number)).glob("ancrage-*.dump"))
            with _connect(admin_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{target}"')
            call_command("restore", str(dump), database_url=target_url)
            with _connect(target_url) as restored:
                restored_groups = restored.execute("SELECT count(*) FROM auth_group").fetchone()
            assert restored_groups[0] == groups, (source_url, target_url)
    finally:
        with _connect(admin_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
