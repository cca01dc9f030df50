import datetime

from celery import shared_task
from django.utils import timezone

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
