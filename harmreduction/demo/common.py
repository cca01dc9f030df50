"""Helpers of the demo data: days, times of day, the people housed in a week."""

import datetime

from django.utils import timezone

from harmreduction.models.common import WEEK

DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _housed(stays, monday) -> list[int]:
    return sorted(
        {
            resident_id
            for resident_id, _hotel, start, end, _pk in stays
            if start < monday + WEEK and (end is None or end > monday)
        }
    )
