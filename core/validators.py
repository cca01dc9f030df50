import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_period(
    start: datetime.date | None, end: datetime.date | None, *, end_field: str = "end"
) -> None:
    """A half-open period [start, end) must end after it starts; an open end is allowed.

    Raised on the end field, so that Django then skips the database constraints that involve it
    (an exclusion constraint over an inverted range would fail with a database error).
    """
    if start and end and end <= start:
        raise ValidationError({end_field: _("The end date must be after the start date.")})
