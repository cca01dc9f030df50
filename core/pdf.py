"""PDF documents (WeasyPrint) built from a template and, optionally, a stylesheet of the app.

The stylesheet is read from disk through the static files finders, and any other URL in the page
is refused but `data:` URLs (an image written into the page, such as the reports' logo): a PDF
builds the same without a web server and never fetches anything over the network.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, *, stylesheet: str | None = None) -> bytes:
    return html_to_pdf(render_to_string(template, context), stylesheet=stylesheet)


def html_to_pdf(html: str, *, stylesheet: str | None = None) -> bytes:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per step
    from weasyprint import CSS, HTML  # heavy: imported when a PDF is asked for

    document = HTML(string=html, url_fetcher=_local_only_fetcher())
    stylesheets = [CSS(filename=_static_path(stylesheet))] if stylesheet else []
    return document.write_pdf(stylesheets=stylesheets)


def _static_path(name: str) -> str:
    return finders.find(name) or str(Path(settings.STATIC_ROOT) / name)


def _local_only_fetcher():
    """A fetcher that refuses every URL but `data:` ones: WeasyPrint leaves the resource out
    with a warning."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"A PDF of Ancrage fetches nothing over the network: {url}")

    return LocalOnly()
