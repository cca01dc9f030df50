import datetime

from celery import shared_task

from core.models import UsedFormToken


@shared_task
def ping() -> str:
    """Answer "pong": proves a worker takes messages from the broker and stores results."""
    return "pong"


@shared_task
def purge_used_form_tokens(days: int = 30) -> int:
    """Forget one-time form tokens older than `days`: a form is not re-sent a month later."""
    return UsedFormToken.purge(older_than=datetime.timedelta(days=days))
