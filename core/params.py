"""Values read from a request's query string or form data, for the views of every app.

A day typed into an address can be anything: `parse_day` accepts only days the programme can
have anything to do with, so that the week or month computed from it (a day before, six days
after) never leaves the range of dates Python and PostgreSQL can hold.
"""

import datetime
import re

from django.http import QueryDict

# Far enough for any real record, near enough that "a week later" still exists.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)


# C0 control characters but tab, line feed and carriage return, and DEL: nobody types them,
# PostgreSQL refuses NUL in text, and a terminal escape has nothing to do in a note.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(params: QueryDict) -> QueryDict:
    """`params` (request.GET or request.POST) with the control characters removed from every
    name and value; `params` itself when it has none."""
    if not any(
        CONTROL_CHARACTERS.search(text) for key, values in params.lists() for text in (key, *values)
    ):
        return params
    cleaned = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        for value in values:
            cleaned.appendlist(CONTROL_CHARACTERS.sub("", key), CONTROL_CHARACTERS.sub("", value))
    cleaned._mutable = False
    return cleaned


# The largest id PostgreSQL's integer column holds.
MAX_ID = 2**31 - 1
ID = re.compile(r"[0-9]{1,10}")


def parse_id(value: str | None) -> int | None:
    """The id in `value`: ASCII digits that fit an integer column, else None ("²" is a digit
    to str.isdigit(), not to int())."""
    if value and ID.fullmatch(value) and int(value) <= MAX_ID:
        return int(value)
    return None


def id_param(params, name: str) -> int | None:
    """The id in `params[name]` (request.GET or request.POST), else None."""
    return parse_id(params.get(name))


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
