import pytest
from celery.exceptions import Retry
from django.db import OperationalError

from reports import services
from reports.models import Report, ReportStatus
from reports.tasks import MAX_RETRIES, build_report
from reports.tests import dataset
from reports.tests.conftest import pdf_text


@pytest.fixture
def data(db):
    return dataset.build()


def test_it_stores_the_figures_and_prints_them_in_the_pdf(data, make_report):
    report = make_report("ars")

    assert report.status == ReportStatus.READY
    assert report.pdf.name.endswith(".pdf")
    assert report.built_at is not None
    # The stored figures keep the true count; the PDF hides it as "< 5".
    assert report.figures["activity"]["rows"][0] == ["file_active", 4, 2]
    text = pdf_text(report)
    assert "File active" in text or "File active".upper() in text.upper()
    assert "< 5" in text
    # Figures not hidden print as stored, in French style: 1 week out of 58 = 1,7 %.
    assert report.figures["two_visits_a_week"]["rows"][0] == ["housed_weeks", 58, 8]
    assert "58" in text
    assert "1,7 %" in text
    assert "Visites prévues" in text or "Visits planned" in text


def test_it_prints_the_operator_figures(data, make_report):
    report = make_report("operator")

    text = pdf_text(report)
    assert report.figures["places_and_hotels"]["rows"][-1][:4] == ["total", 3, 1085, 418]
    assert "1 085" in text
    assert "418" in text
    assert "38,5 %" in text  # 418 / 1085
    assert "72,50 €" in text  # vouchers' value, 7250 cents
    assert "Hôtel Alpha" in text


def test_it_says_when_nothing_was_recorded(make_report):
    report = make_report("operator")

    assert report.figures["exits_by_destination"]["rows"] == []
    assert "Rien n’a été enregistré sur la période." in pdf_text(report) or "Nothing" in pdf_text(
        report
    )


def test_it_keeps_the_stored_figures_when_data_change(data, make_report):
    report = make_report("ars")
    before = report.figures
    pdf_name = report.pdf.name

    data["residents"][3].gender = "woman"
    data["residents"][3].save()
    services.report_build(report.pk)  # a duplicated task: the report is ready, nothing happens
    report.refresh_from_db()

    assert report.figures == before
    assert report.pdf.name == pdf_name


def test_it_builds_a_new_version_when_regenerated(make_report):
    first = make_report("ars", ready=False)
    second = make_report("ars", ready=False)

    assert (first.version, second.version) == (1, 2)


def test_it_gives_the_same_report_for_the_same_key(db):
    first, created = Report.request(
        audience="ars",
        period_start=dataset.START,
        period_end=dataset.d(2025, 12, 31),
        idempotency_key="same",
    )
    again, created_again = Report.request(
        audience="ars",
        period_start=dataset.START,
        period_end=dataset.d(2025, 12, 31),
        idempotency_key="same",
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Report.objects.count() == 1


def test_the_task_builds_once_when_run_twice(make_report):
    report = make_report("ars", ready=False)

    build_report.apply(args=[report.pk])
    report.refresh_from_db()
    built_at = report.built_at
    build_report.apply(args=[report.pk])
    report.refresh_from_db()

    assert report.status == ReportStatus.READY
    assert report.built_at == built_at


def test_the_task_tolerates_a_deleted_report(db):
    assert build_report.apply(args=[123456]).successful()


def test_the_task_marks_a_failed_build_with_a_french_message(make_report, monkeypatch):
    report = make_report("ars", ready=False)

    def broken(html):
        raise RuntimeError("boom")

    monkeypatch.setattr("reports.services.rendering.render_pdf", broken)
    build_report.apply(args=[report.pk])
    report.refresh_from_db()

    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("Le rapport n’a pas pu être construit")
    assert not report.pdf


def test_the_task_retries_when_the_database_does_not_answer(make_report, monkeypatch):
    report = make_report("ars", ready=False)
    countdowns = []

    def unavailable(report_id, notify=False):
        raise OperationalError("connection refused")

    def retry(exc=None, countdown=None, **kwargs):
        countdowns.append(countdown)
        return Retry()

    monkeypatch.setattr("reports.services.report_build", unavailable)
    monkeypatch.setattr(build_report, "retry", retry)
    with pytest.raises(Retry):
        build_report(report.pk)
    report.refresh_from_db()

    assert countdowns == [30]
    assert report.status == ReportStatus.QUEUED

    build_report.push_request(retries=MAX_RETRIES)
    try:
        with pytest.raises(OperationalError):
            build_report(report.pk)
    finally:
        build_report.pop_request()
    report.refresh_from_db()

    assert countdowns == [30]  # no more retries
    assert report.status == ReportStatus.FAILED
    assert "base de données" in report.error
