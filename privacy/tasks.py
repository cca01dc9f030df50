from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from privacy import retention


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    retry_backoff_max=settings.TASK_RETRY_DELAY_MAX,
    max_retries=5,
)
def apply_retention() -> dict[str, int]:
    """Every night: anonymise the files past RETENTION_DAYS, then delete the access log and the
    change history past their own delays (see privacy.retention).

    Idempotent: an anonymised file is never picked again and a purge finds nothing the second
    time, so a double run or a retry after a failed batch has one effect.
    """
    return {
        "anonymised": retention.anonymise_expired(),
        "access_log_deleted": retention.purge_access_log(),
        "history_deleted": retention.purge_history(),
    }
