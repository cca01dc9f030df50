"""Static files as production and `make run` serve them: hashed names cached for a year, gzip
and brotli copies, and a favicon."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

COLLECTED = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.storage.CollectedStaticFilesStorage"},
}


def _settings_under(**env) -> str:
    """The static files storage config.settings picks in a fresh process with `env`."""
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    environ = {**os.environ, "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "config.settings"}
    environ.pop("STATIC_COLLECTED", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_make_run_and_production_serve_the_collected_files():
    assert _settings_under(DEBUG="false") == "core.storage.CollectedStaticFilesStorage"
    # make run (config.devservices.run) sets DEBUG and STATIC_COLLECTED, after collectstatic.
    make_run = _settings_under(DEBUG="true", STATIC_COLLECTED="true")
    assert make_run == "core.storage.CollectedStaticFilesStorage"
    by_hand = _settings_under(DEBUG="true")
    assert by_hand == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.fixture
def collected(tmp_path):
    """collectstatic of one stylesheet, with the storage `make run` and production use."""
    source, root = tmp_path / "static", tmp_path / "collected"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text(".card { margin: 0 }\n" * 200)
    with override_settings(
        STATICFILES_DIRS=[source],
        STATIC_ROOT=root,
        STORAGES=COLLECTED,
        DEBUG=True,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
    ):
        call_command("collectstatic", "--noinput", "--verbosity", "0")
        yield root


def test_pages_link_the_hashed_names_even_with_debug(collected):
    url = staticfiles_storage.url("css/site.css")
    assert url.startswith("/static/css/site.") and url != "/static/css/site.css"
    assert (collected / url.removeprefix("/static/")).exists()


def test_the_files_are_compressed_ahead_of_time_and_cached_for_a_year(collected):
    url = staticfiles_storage.url("css/site.css")
    client = Client()  # a new client: WhiteNoise reads the collected files when it starts
    for encoding in ("br", "gzip"):
        response = client.get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert "immutable" in response["Cache-Control"]
        assert "max-age=315360000" in response["Cache-Control"]
        size = int(response["Content-Length"])
        assert size < (collected / "css" / "site.css").stat().st_size / 10


def test_the_favicon_is_linked_from_every_page(client):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert (settings.BASE_DIR / "static" / "favicon.svg").stat().st_size < 1024


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon_instead_of_a_page(client, client_for, alice):
    for visitor in (client, client_for(alice)):
        response = visitor.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"] == "/static/favicon.svg"
        assert "max-age=86400" in response["Cache-Control"]
