"""The weekly voucher sheet as PDF (WeasyPrint), for signatures when the team wants paper.

The stylesheet is read from disk through the static files finders, never fetched over HTTP: the
PDF builds the same without a web server, and any other URL in the page is refused.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

STYLESHEET = "harmreduction/voucher_sheet.css"


def _stylesheet_path() -> str:
    found = finders.find(STYLESHEET)
    return found or str(Path(settings.STATIC_ROOT) / STYLESHEET)


def _local_only(url: str, *args, **kwargs):
    raise ValueError(f"The voucher sheet fetches nothing over the network: {url}")


def voucher_sheet(*, sheet, hotel=None) -> bytes:
    from weasyprint import CSS, HTML  # heavy: imported when a PDF is asked for

    html = render_to_string(
        "harmreduction/voucher_sheet_pdf.html",
        {"sheet": sheet, "hotel": hotel, "printed_at": timezone.localtime()},
    )
    document = HTML(string=html, url_fetcher=_local_only)
    return document.write_pdf(stylesheets=[CSS(filename=_stylesheet_path())])
