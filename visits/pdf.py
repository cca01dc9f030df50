"""Round sheets as PDF (WeasyPrint), for the team that prefers paper in the corridors.

The stylesheet is read from disk through the static files finders, never fetched over HTTP: the
PDF builds the same without a web server, and any other URL in the page is refused.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

STYLESHEET = "visits/round_sheet.css"


def _stylesheet_path() -> str:
    found = finders.find(STYLESHEET)
    return found or str(Path(settings.STATIC_ROOT) / STYLESHEET)


def _local_only(url: str, *args, **kwargs):
    raise ValueError(f"The round sheet fetches nothing over the network: {url}")


def round_sheet(*, worker, day: datetime.date, rounds) -> bytes:
    from weasyprint import CSS, HTML  # heavy: imported when a PDF is asked for

    html = render_to_string(
        "visits/round_sheet.html",
        {"worker": worker, "day": day, "rounds": rounds, "printed_at": timezone.localtime()},
    )
    document = HTML(string=html, url_fetcher=_local_only)
    return document.write_pdf(stylesheets=[CSS(filename=_stylesheet_path())])
