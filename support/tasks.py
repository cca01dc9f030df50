from celery import shared_task
from django.conf import settings

from support import digest


@shared_task(
    autoretry_for=(OSError,),  # SMTP failures, refused connections
    retry_backoff=60,
    retry_backoff_max=settings.TASK_RETRY_DELAY_MAX,
    max_retries=5,
)
def send_step_digests() -> int:
    """Monday morning: each worker's overdue steps by e-mail, once a week (see support.digest)."""
    return digest.send_step_digests()
