"""Building a report: compute the figures, store them, render the PDF, mark it ready.

`report_build` is what the Celery task runs, and what tests and the `build_report` command call
directly. It is idempotent: a report already ready is left alone, so a retried or duplicated
task produces one report.
"""

import datetime
import json
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.mail import site_link, team_emails, templated_email
from reports import comparison, rendering
from reports.models import Audience, Organisation, Report, ReportStatus

logger = logging.getLogger(__name__)

BUILD_FAILED = _("The report could not be built. Try again; if it fails again, tell the support.")
BUILD_TOO_LONG = _("The report took too long to build. Try again later or with a shorter period.")
DATABASE_UNAVAILABLE = _("The database did not answer while the report was built. Try again.")


def report_build(report_id: int, *, notify: bool = False) -> Report | None:
    """Build the report of this id unless it is already ready (or no longer exists)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == ReportStatus.READY:
            return report
        report.status = ReportStatus.BUILDING
        report.error = ""
        report.save(update_fields=["status", "error"])
    started = time.monotonic()
    if not report.figures:  # a new version of the same figures (commentary, finalising) keeps them
        with translation.override(settings.LANGUAGE_CODE):
            figures = comparison.compute_with_previous(
                report.audience, report.period_start, report.end_exclusive
            )
        # Stored as JSON exactly as printed: what the PDF shows is what the database keeps.
        report.figures = json.loads(json.dumps(figures, cls=DjangoJSONEncoder))
    report.organisation = Organisation.current().identity()
    report.built_at = timezone.now()
    pdf = rendering.render_pdf(rendering.report_html(report))
    with transaction.atomic():
        # A duplicate of this task may have finished meanwhile: one report, one file.
        locked = Report.objects.select_for_update().filter(pk=report_id).first()
        if locked is None or locked.status == ReportStatus.READY:
            return locked
        report.pdf.save(rendering.file_name(report, "pdf"), ContentFile(pdf), save=False)
        report.status = ReportStatus.READY
        report.build_seconds = round(time.monotonic() - started, 3)
        report.save()
        if notify:
            transaction.on_commit(lambda: _notify_managers(report))
    return report


def report_fail(report_id: int, message) -> None:
    """Mark a build failed with a French message for the manager; nothing is offered."""
    with translation.override(settings.LANGUAGE_CODE):
        Report.objects.filter(pk=report_id).exclude(status=ReportStatus.READY).update(
            status=ReportStatus.FAILED, error=str(message)
        )


def report_request(*, audience: str, start, end, key: str, by=None) -> tuple[Report, bool]:
    """Create (or find, for the same key) a queued report and enqueue its build on commit."""
    from reports.tasks import build_report

    report, created = Report.request(
        audience=audience, period_start=start, period_end=end, idempotency_key=key, by=by
    )
    if created:
        transaction.on_commit(lambda: build_report.delay(report.pk))
    return report, created


NOT_READY = _("The report is still being built: wait until it is ready.")
ALREADY_FINAL = _(
    "This version is finalised: it can no longer change. Make a new version to change it."
)


def _check_draft(report: Report) -> None:
    if not report.is_draft:
        raise ValidationError(ALREADY_FINAL, code="final")
    if report.status != ReportStatus.READY:
        raise ValidationError(NOT_READY, code="not_ready")


def report_comment(*, report: Report, commentary: dict[str, str]) -> Report:
    """Keep the team's commentary of a draft (by section key) and build its PDF again."""
    from reports.tasks import build_report

    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        _check_draft(report)
        report.commentary = {key: text for key, text in commentary.items() if text.strip()}
        report.save(update_fields=["commentary"])
        report.queue_again()
        transaction.on_commit(lambda: build_report.delay(report.pk))
    return report


def report_finalise(*, report: Report, by) -> Report:
    """Freeze a draft as this version: its figures, its commentary, and its PDF, built once
    more without the draft marks. Any later change makes a new version (report_revise)."""
    from reports.tasks import build_report

    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        _check_draft(report)
        report.finalised_at = timezone.now()
        report.finalised_by = by
        report.save(update_fields=["finalised_at", "finalised_by"])
        report.queue_again()
        transaction.on_commit(lambda: build_report.delay(report.pk))
    return report


def report_revise(*, report: Report, by) -> tuple[Report, bool]:
    """A new draft version of a finalised report, with the same figures and commentary, for
    the manager to change; the finalised version stays as it was. Once per version: asking
    again gives the same new version."""
    from reports.tasks import build_report

    if not report.is_final:
        raise ValidationError(_("Only a finalised report is revised: a draft can be changed."))
    revision, created = Report.request(
        audience=report.audience,
        period_start=report.period_start,
        period_end=report.period_end,
        idempotency_key=f"revise-{report.pk}",
        by=by,
        figures=report.figures,
    )
    if created:
        transaction.on_commit(lambda: build_report.delay(revision.pk))
    return revision, created


def report_retry(report: Report) -> None:
    report.retry()
    from reports.tasks import build_report

    transaction.on_commit(lambda: build_report.delay(report.pk))


def last_year(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    year = (today or timezone.localdate()).year - 1
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def yearly_reports(today: datetime.date | None = None) -> list[Report]:
    """Both reports of the previous calendar year, once (keyed by year): for Celery beat."""
    from reports.tasks import build_report

    start, end = last_year(today)
    reports = []
    for audience in Audience.values:
        report, created = Report.request(
            audience=audience,
            period_start=start,
            period_end=end,
            idempotency_key=f"yearly-{audience}-{start.year}",
        )
        if created:
            transaction.on_commit(lambda pk=report.pk: build_report.delay(pk, notify=True))
        reports.append(report)
    return reports


def _notify_managers(report: Report) -> None:
    emails = team_emails([Role.MANAGER])
    if not emails:
        return
    context = {"report": report, "url": site_link("reports:report_list")}
    message = templated_email("reports/email/report_ready", context, bcc=emails)
    try:
        message.send()
    except OSError:
        logger.exception("Could not notify the managers that report %s is ready", report.pk)
