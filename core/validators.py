import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FUTURE_DATE = _("This date cannot be in the future.")


def validate_period(
    start: datetime.date | None, end: datetime.date | None, *, end_field: str = "end"
) -> None:
    """A half-open period [start, end) must end after it starts; an open end is allowed.

    Raised on the end field, so that Django then skips the database constraints that involve it
    (an exclusion constraint over an inverted range would fail with a database error).
    """
    if start and end and end <= start:
        raise ValidationError({end_field: _("The end date must be after the start date.")})


def not_in_the_future(
    value: datetime.date | None, message=FUTURE_DATE, *, field: str | None = None
) -> datetime.date | None:
    """What the team records as done cannot be dated after today, in Paris.

    `message` says which date it is; `field` puts the error on that field (from a model's
    clean()). Returns the value, so that a form's clean_<field> can return it.
    """
    if value and value > timezone.localdate():
        error = ValidationError(message, code="future")
        raise ValidationError({field: error}) if field else error
    return value
