import datetime

import pytest

from reports import services
from reports.models import Report


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def make_report(db):
    """make_report(audience="ars", ready=True, **fields) -> a report, built when ready."""

    def make(audience="ars", *, ready=True, key=None, **fields):
        report, _created = Report.request(
            audience=audience,
            period_start=fields.pop("period_start", datetime.date(2025, 1, 1)),
            period_end=fields.pop("period_end", datetime.date(2025, 12, 31)),
            idempotency_key=key or f"test-{Report.objects.count()}-{audience}",
            by=fields.pop("by", None),
        )
        if ready:
            services.report_build(report.pk)
            report.refresh_from_db()
        elif fields:
            Report.objects.filter(pk=report.pk).update(**fields)
            report.refresh_from_db()
        return report

    return make


def pdf_text(report) -> str:
    from pypdf import PdfReader

    with report.pdf.open("rb") as pdf:
        reader = PdfReader(pdf)
        text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").split())
