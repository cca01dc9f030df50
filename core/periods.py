"""Half-open periods of days, [start, end), with an open end allowed.

Stays, absences, places out of service and workers' leave are all periods of this shape. Each
model inherits `Period` (the `covers()` test and the end-after-start check) and builds its
constraints with `period_constraints()`: the database refuses an inverted period and two periods
of the same thing that overlap, even when two requests save at the same moment.
"""

import datetime

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from core.validators import validate_period


class DateRange(Func):
    """PostgreSQL's daterange(start, end, bounds); an empty end is an open end."""

    function = "daterange"
    output_field = DateRangeField()


class Period(models.Model):
    """A period [start, end). Subclasses declare `start` and `end` with their own labels."""

    class Meta:
        abstract = True

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def clean(self):
        super().clean()
        validate_period(self.start, self.end)


def period_constraints(
    *, check_name: str, check_message, overlap_name: str, per: str, overlap_message
) -> list[models.BaseConstraint]:
    """The end comes after the start, and no two periods of the same `per` overlap."""
    return [
        models.CheckConstraint(
            condition=Q(end__isnull=True) | Q(end__gt=F("start")),
            name=check_name,
            violation_error_message=check_message,
        ),
        no_overlap(name=overlap_name, per=per, message=overlap_message),
    ]


def no_overlap(*, name: str, per: str, message, condition: Q | None = None) -> ExclusionConstraint:
    """No two periods [start, end) with the same `per` overlap (an exclusion constraint)."""
    return ExclusionConstraint(
        name=name,
        expressions=[
            (F(per), RangeOperators.EQUAL),
            (DateRange("start", "end", models.Value("[)")), RangeOperators.OVERLAPS),
        ],
        condition=condition,
        violation_error_message=message,
    )
