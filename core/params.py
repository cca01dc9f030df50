"""Values read from a request's query string or form data, for the views of every app.

A day typed into an address can be anything: `parse_day` accepts only days the programme can
have anything to do with, so that the week or month computed from it (a day before, six days
after) never leaves the range of dates Python and PostgreSQL can hold.
"""

import datetime

# Far enough for any real record, near enough that "a week later" still exists.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)


def parse_day(value: str | None) -> datetime.date | None:
    """The ISO day in `value` (YYYY-MM-DD), or None if it is not one or out of range."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except (TypeError, ValueError):
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def day_param(params, name: str, default: datetime.date) -> datetime.date:
    """The day in `params[name]` (request.GET or request.POST), else `default`."""
    return parse_day(params.get(name)) or default
