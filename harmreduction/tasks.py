from celery import shared_task
from django.conf import settings

from harmreduction import alerts

RETRY = {
    "autoretry_for": (OSError,),  # SMTP failures, refused connections
    "retry_backoff": 60,
    "retry_backoff_max": settings.TASK_RETRY_DELAY_MAX,
    "max_retries": 5,
}


@shared_task(**RETRY)
def check_low_stock() -> int:
    """Every morning: tell the coordinators which stock levels fell below their threshold, which
    batches of naloxone expire soon, and whether the voucher stock runs low."""
    return alerts.check_low_stock()


@shared_task(**RETRY)
def send_sample_alert(sample_id: int) -> bool:
    """Alert the team about an unexpected analysis result (enqueued when the result is saved)."""
    return alerts.send_sample_alert(sample_id)
