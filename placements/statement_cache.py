"""The monthly statement and its XLSX file, kept in the cache under a digest of their data.

At the scale of the whole scheme (hundreds of places) the statement takes longer to compute
and to write as XLSX than a page may take, and it is read again and again with the same data
(the month is over, the figures are checked and sent). A kept copy is only ever used for the
very data it was made from: its key holds the month, the language of its labels and an MD5
digest of every row the statement reads — all the hotels and places, and the stays, absences
and outages that touch the month — so any insert, change or deletion of one of those rows
gives another key. Nothing needs to be deleted when the data changes, and nothing can be
served stale.
"""

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language

from placements import selectors

T = TypeVar("T")

# Bump when what is kept changes shape (the rows of the statement, the XLSX layout).
FORMAT = 1
TIMEOUT = 6 * 3600  # seconds: the keys never go stale, this only frees the memory

# Whole rows (`t::text`): a change to any column changes the digest. The stays, absences and
# outages that touch the month, its first day included (an exit on the 1st counts); any row
# that enters or leaves that set changes it too.
_DIGEST = """
    SELECT md5(concat_ws('|',
        (SELECT string_agg(h::text, ',' ORDER BY h.id) FROM placements_hotel h),
        (SELECT string_agg(p::text, ',' ORDER BY p.id) FROM placements_place p),
        (SELECT string_agg(s::text, ',' ORDER BY s.id) FROM placements_placement s
         WHERE s.start < %(end)s AND (s."end" IS NULL OR s."end" >= %(start)s)),
        (SELECT string_agg(a::text, ',' ORDER BY a.id) FROM placements_absence a
         WHERE a.start < %(end)s AND (a."end" IS NULL OR a."end" >= %(start)s)),
        (SELECT string_agg(o::text, ',' ORDER BY o.id) FROM placements_placeoutage o
         WHERE o.start < %(end)s AND (o."end" IS NULL OR o."end" >= %(start)s))
    ))
"""


def statement_digest(month: datetime.date) -> str:
    """A digest of the rows the statement of `month` is computed from. One query."""
    start, end = selectors.month_bounds(month)
    with connection.cursor() as cursor:
        cursor.execute(_DIGEST, {"start": start, "end": end})
        return cursor.fetchone()[0]


def cached(month: datetime.date, part: str, build: Callable[[], T]) -> T:
    """`build()` for the statement of `month`, from the cache when it was built on the same data.

    One query when it is kept (the digest), two more than `build` when it is not: the digest is
    read again after `build`, and the result kept only if the data did not change meanwhile (a
    change committed while it was built could be in the result but not in the first digest).
    """
    digest = statement_digest(month)
    key = f"placements:statement:{FORMAT}:{month:%Y-%m}:{get_language()}:{part}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        if statement_digest(month) == digest:
            cache.set(key, value, TIMEOUT)
    return value


def monthly_statement(month: datetime.date) -> selectors.Statement:
    """`selectors.monthly_statement(month)`, kept while its data does not change."""
    month = month.replace(day=1)
    return cached(month, "statement", lambda: selectors.monthly_statement(month))
