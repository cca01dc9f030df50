from unittest import mock

from django.urls import reverse

from reports.models import ReportStatus


def _url(report):
    return reverse("reports:report_retry", args=[report.pk])


def test_it_queues_a_failed_report_again(
    client_for, marc, make_report, django_capture_on_commit_callbacks
):
    report = make_report(ready=False, status=ReportStatus.FAILED, error="Échec")

    with (
        mock.patch("reports.tasks.build_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(marc).post(_url(report))

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.QUEUED, "")
    delay.assert_called_once_with(report.pk)


def test_it_leaves_a_ready_report_alone(client_for, marc, make_report):
    report = make_report()

    with mock.patch("reports.tasks.build_report.delay") as delay:
        response = client_for(marc).post(_url(report), follow=True)

    assert "Seul un rapport en échec peut être reconstruit." in response.text
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    delay.assert_not_called()


def test_it_answers_404_for_an_unknown_report(client_for, marc):
    assert client_for(marc).post(reverse("reports:report_retry", args=[999])).status_code == 404


def test_it_is_the_managers_only(client_for, chloe, make_report):
    report = make_report(ready=False, status=ReportStatus.FAILED, error="x")

    assert client_for(chloe).post(_url(report)).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED


def test_it_refuses_get(client_for, marc, make_report):
    report = make_report(ready=False, status=ReportStatus.FAILED, error="x")

    assert client_for(marc).get(_url(report)).status_code == 405
