import pytest
from django.core.management import CommandError, call_command

from reports.models import Report
from reports.tests import dataset
from reports.tests.conftest import pdf_text


def test_it_builds_a_report_and_writes_the_pdf(db, tmp_path):
    dataset.build()
    output = tmp_path / "report.pdf"

    call_command("build_report", "--year", "2025", "--audience", "operator", "--output", output)

    report = Report.objects.get()
    assert (report.status, report.period_start.isoformat(), report.period_end.isoformat()) == (
        "ready",
        "2025-01-01",
        "2025-12-31",
    )
    assert output.read_bytes().startswith(b"%PDF")
    assert "1 085" in pdf_text(report)


def test_it_refuses_a_year_with_dates(db):
    with pytest.raises(CommandError):
        call_command("build_report", "--year", "2025", "--start", "2025-01-01", "--audience", "ars")
    assert not Report.objects.exists()
