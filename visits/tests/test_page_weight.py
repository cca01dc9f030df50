"""The visit page is light for a phone on a slow network: its weight is measured and bounded.

What a first visit downloads: the HTML, plus every stylesheet and script it links (served
compressed by whitenoise; measured here gzip-compressed, level 6). Afterwards the static files
come from the browser's cache (their names carry a hash in production), so a visit logged is
the HTML alone.
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import VisitFactory

# Budgets, with room above what was measured (README, "Home visits"): the page's HTML was 34 KB
# (4.4 KB compressed), the first load 91 KB compressed, plus the icon font (134 KB, cached).
HTML_BUDGET = 48 * 1024  # bytes, uncompressed (the item grid of the harm-reduction material)
HTML_COMPRESSED_BUDGET = 8 * 1024  # bytes: what each visit logged downloads
FIRST_LOAD_BUDGET = 110 * 1024  # bytes, compressed: HTML + CSS + JS
SCRIPTS = {"bootstrap.bundle.min.js", "htmx.min.js", "ancrage.js"}


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
    total = _compressed(html)
    for path in assets:
        with open(finders.find(path), "rb") as asset:
            total += _compressed(asset.read())
    assert total < FIRST_LOAD_BUDGET, total
    assert b'name="viewport" content="width=device-width' in html
