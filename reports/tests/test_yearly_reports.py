import datetime

from django.core import mail

from reports import services
from reports.models import Report, ReportStatus
from reports.tasks import build_yearly_reports


def test_it_builds_both_reports_of_last_year_once_and_tells_the_managers(
    marc, alice, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    marc.email, alice.email = "marc@example.org", "alice@example.org"
    marc.save()
    alice.save()
    monkeypatch.setattr(
        services,
        "last_year",
        lambda today=None: (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    )

    with django_capture_on_commit_callbacks(execute=True):
        build_yearly_reports()
    with django_capture_on_commit_callbacks(execute=True):
        build_yearly_reports()  # a second run of the same beat entry

    reports = Report.objects.order_by("audience")
    assert [(r.audience, r.status, r.period_start.year) for r in reports] == [
        ("ars", ReportStatus.READY, 2025),
        ("operator", ReportStatus.READY, 2025),
    ]
    assert len(mail.outbox) == 2
    assert all(message.bcc == ["marc@example.org"] for message in mail.outbox)
    assert mail.outbox[0].subject.startswith("Rapport d’activité 2025 prêt")


def test_the_builds_have_their_queue_and_the_yearly_run_its_beat_entry(settings):
    from config.celery import app

    assert app.amqp.router.route({}, "reports.tasks.build_report")["queue"].name == "reports"
    assert app.amqp.router.route({}, "core.tasks.ping")["queue"].name == "celery"
    entry = settings.CELERY_BEAT_SCHEDULE["reports-yearly"]
    assert entry["task"] == "reports.tasks.build_yearly_reports"
    assert entry["options"]["expires"] > 0
    assert entry["schedule"].is_due  # a crontab
    assert entry["schedule"].month_of_year == {1} and entry["schedule"].day_of_month == {2}
