"""The visit page is light for a phone on a slow network: its weight is measured and bounded.

What a first visit downloads: the HTML, plus every stylesheet and script it links and the icon
sprite (served compressed by whitenoise, brotli or gzip; measured here gzip-compressed, level 6,
the larger of the two). Afterwards the static files come from the browser's cache (their names
carry a hash, in production and under `make run`), so a visit logged is the HTML alone.
bench/page_weight.py measures the same in Chromium on an emulated slow network.
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import VisitFactory

# Budgets, with room above what was measured (README, "Home visits"): the page's HTML was 36 KB
# (4.5 KB compressed), the first load 85 KB compressed with its icons (a 9 KB sprite, no font).
HTML_BUDGET = 48 * 1024  # bytes, uncompressed (the item grid of the harm-reduction material)
HTML_COMPRESSED_BUDGET = 8 * 1024  # bytes: what each visit logged downloads
FIRST_LOAD_BUDGET = 100 * 1024  # bytes, compressed: HTML + CSS + JS + the icon sprite
# offline-store.js and offline.js: drafts and the queue without a connection (issue 16).
SCRIPTS = {"bootstrap.bundle.min.js", "htmx.min.js", "ancrage.js", "offline-store.js", "offline.js"}


def _linked_static_files(html: str) -> list[str]:
    found = re.findall(r'<(?:link[^>]+href|script[^>]+src)="/static/([^"?]+)"', html)
    return [path for path in found if path.endswith((".css", ".js"))]


def _compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@pytest.mark.django_db
def test_the_visit_page_weighs_little_and_uses_no_javascript_framework(client_for, alice):
    visit = VisitFactory(worker=alice)
    response = client_for(alice).get(reverse("visits:visit_detail", args=[visit.pk]))
    assert response.status_code == 200
    html = response.content
    assert len(html) < HTML_BUDGET, len(html)
    assert _compressed(html) < HTML_COMPRESSED_BUDGET, _compressed(html)
    assets = _linked_static_files(html.decode())
    assert {path.rsplit("/", 1)[-1] for path in assets if path.endswith(".js")} == SCRIPTS
    assert not [path for path in assets if "bootstrap-icons" in path]  # the icon font's CSS
    assert b'<use href="/static/icons.svg#' in html
    total = _compressed(html)
    for path in [*assets, "icons.svg"]:
        with open(finders.find(path), "rb") as asset:
            total += _compressed(asset.read())
    assert total < FIRST_LOAD_BUDGET, total
    assert b'name="viewport" content="width=device-width' in html
