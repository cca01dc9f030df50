import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from visits import alerts
from visits.roster import roster_generate


@shared_task
def generate_rosters() -> dict[str, int]:
    """Plan next week's visits (celery beat, ROSTER_GENERATION_CRONTAB), and fill in what is
    missing from tomorrow to Sunday: a run that was missed or came late is made up for, and the
    rounds of the day already under way do not change.

    Idempotent: the roster only adds the visits that are missing.
    """
    today = timezone.localdate()
    this_week = roster_generate(week=today, from_day=today + datetime.timedelta(days=1))
    next_week = roster_generate(week=today + datetime.timedelta(days=7))
    return {"this_week": this_week.created, "next_week": next_week.created}


@shared_task(
    autoretry_for=(OSError,),  # SMTP failures, refused connections
    retry_backoff=60,
    retry_backoff_max=settings.TASK_RETRY_DELAY_MAX,
    max_retries=5,
)
def send_medical_follow_up_alert(visit_id: int) -> bool:
    """Tell the nurse and the psychiatrist about a medical concern (enqueued when flagged)."""
    return alerts.send_medical_follow_up_alert(visit_id)
