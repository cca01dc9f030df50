"""What the vouchers and the supplies share: the ISO week, and where something was handed out."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

WEEK = datetime.timedelta(days=7)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week of `day`."""
    return day - datetime.timedelta(days=day.weekday())


class Setting(models.TextChoices):
    """Where something was handed out."""

    VISIT = "visit", _("During a home visit")
    OFFICE = "office", _("At the office")
