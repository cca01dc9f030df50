import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from reports import services

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def retry_delay(retries: int) -> int:
    """Seconds before the next try of a build: 30 s, doubling, at most TASK_RETRY_DELAY_MAX."""
    return min(30 * 2**retries, settings.TASK_RETRY_DELAY_MAX)


@shared_task(
    bind=True, acks_late=True, soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT, max_retries=None
)
def build_report(self, report_id: int, notify: bool = False) -> None:
    """Build one report (reports.services.report_build) on the `reports` queue.

    A database that does not answer is retried with backoff; any other failure marks the
    report failed with a French message, so the manager can retry it.
    """
    try:
        services.report_build(report_id, notify=notify)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries >= MAX_RETRIES:
            services.report_fail(report_id, services.DATABASE_UNAVAILABLE)
            raise
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    except SoftTimeLimitExceeded:
        services.report_fail(report_id, services.BUILD_TOO_LONG)
    except Exception:
        logger.exception("Report %s failed to build", report_id)
        services.report_fail(report_id, services.BUILD_FAILED)


@shared_task
def build_yearly_reports() -> list[int]:
    """2 January: both reports of the previous year, built once; the managers get an e-mail."""
    return [report.pk for report in services.yearly_reports()]
