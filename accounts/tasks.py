from celery import shared_task
from django.conf import settings

from accounts import alerts


@shared_task(
    autoretry_for=(OSError,),  # SMTP failures, refused connections
    retry_backoff=60,
    retry_backoff_max=settings.TASK_RETRY_DELAY_MAX,
    max_retries=5,
)
def send_medical_role_change(
    user_id: int, by_id: int | None, added: list[str], removed: list[str], at: str
) -> bool:
    """Tell the medical team about a medical role given or taken (enqueued on commit). Not
    deduplicated: should a worker die after sending, a second e-mail beats a missing one."""
    return alerts.send_medical_role_change(
        user_id=user_id, by_id=by_id, added=added, removed=removed, at=at
    )
