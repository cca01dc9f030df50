import datetime
import uuid
from unittest import mock

from django.urls import reverse

from reports.models import Report

URL = reverse("reports:report_create")


def _data(**overrides):
    return {
        "audience": "ars",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "form_token": str(uuid.uuid4()),
    } | overrides


def test_it_queues_a_report_and_enqueues_its_build_on_commit(
    client_for, marc, django_capture_on_commit_callbacks
):
    with (
        mock.patch("reports.tasks.build_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(marc).post(URL, _data())

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.audience, report.period_start, report.period_end) == (
        "ars",
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert report.requested_by == marc
    assert report.status == "queued"
    assert report.version == 1
    delay.assert_called_once_with(report.pk)


def test_it_queues_once_when_the_form_is_sent_twice(client_for, marc):
    data = _data()
    client = client_for(marc)
    with mock.patch("reports.tasks.build_report.delay"):
        client.post(URL, data)
        response = client.post(URL, data)

    assert response.status_code == 400
    assert "déjà été envoyé" in response.text
    assert Report.objects.count() == 1


def test_it_numbers_a_new_version_for_the_same_period(client_for, marc):
    client = client_for(marc)
    with mock.patch("reports.tasks.build_report.delay"):
        client.post(URL, _data())
        client.post(URL, _data())

    assert sorted(Report.objects.values_list("version", flat=True)) == [1, 2]


def test_it_refuses_a_period_ending_before_it_starts(client_for, marc):
    response = client_for(marc).post(URL, _data(period_end="2024-12-31"))

    assert response.status_code == 400
    assert "La date de fin doit être postérieure à la date de début." in response.text
    assert not Report.objects.exists()


def test_it_refuses_an_unknown_audience(client_for, marc):
    response = client_for(marc).post(URL, _data(audience="press"))

    assert response.status_code == 400
    assert not Report.objects.exists()


def test_it_is_the_managers_only(client_for, chloe, alice):
    for user in (chloe, alice):
        assert client_for(user).post(URL, _data()).status_code == 403
    assert not Report.objects.exists()


def test_it_refuses_get(client_for, marc):
    assert client_for(marc).get(URL).status_code == 405
