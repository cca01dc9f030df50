"""Reading a batch's rows in the database: the preview page shows 50 rows of a file that may have
thousands, so it counts and pages them in SQL instead of decoding the whole list of rows (JSON)
on every page (20 ms for 2,000 rows, issue #20).

What it reads is kept a few minutes in the cache, under the batch's identity and state: a
batch's rows are written once at the preview and once more at the import, which changes its
state in the same transaction (an expired preview changes state too), so a kept count or page
is never the rows of another state. Each expansion of the rows costs the database ~5 ms.
"""

import json

from django.db import connection

from core.kept import kept
from imports.checks import DUPLICATE

# A row "with a problem" for the page: it has problems or warnings (imports.checks).
_WITH_PROBLEMS = (
    "(jsonb_array_length(row->'problems') > 0 OR jsonb_array_length(row->'warnings') > 0)"
)


CACHE_SECONDS = 300


def _kept(batch, part: str, read):
    """`read()`, kept in the cache under `batch`'s identity and state and `part`."""
    key = ":".join(
        [
            "imports:rows",
            connection.settings_dict["NAME"],
            str(batch.pk),
            batch.created_at.isoformat(),
            batch.status,
            part,
        ]
    )
    return kept(key, read, CACHE_SECONDS)


def batch_row_counts(batch) -> tuple[int, dict[str, int], bool]:
    """`row_counts` of `batch`, kept while its state does not change."""
    return _kept(batch, "counts", lambda: row_counts(batch.pk))


def row_counts(batch_id: int) -> tuple[int, dict[str, int], bool]:
    """(rows with a problem, rows by kind, whether a row is a duplicate) in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT row->>'kind', count(*), count(*) FILTER (WHERE {_WITH_PROBLEMS}),
                   bool_or(row->>'status' = %s)
            FROM imports_importbatch batch, jsonb_array_elements(batch.rows) row
            WHERE batch.id = %s
            GROUP BY row->>'kind'
            """,
            [DUPLICATE, batch_id],
        )
        found = cursor.fetchall()
    by_kind = {kind: count for kind, count, _problems, _duplicate in found}
    with_problems = sum(problems for _kind, _count, problems, _duplicate in found)
    return with_problems, by_kind, any(duplicate for *_rest, duplicate in found)


class BatchRows:
    """The rows of a batch with a problem, or of one kind, in the file's order, for a Paginator:
    `count()` is known from `row_counts`, and a slice reads only its rows."""

    def __init__(self, batch, *, count: int, kind: str | None = None):
        self.batch, self.kind, self._count = batch, kind, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item: slice) -> list[dict]:
        start, stop = item.start or 0, item.stop if item.stop is not None else self._count
        part = f"rows:{self.kind or 'problems'}:{start}:{stop}"
        return _kept(self.batch, part, lambda: self._read(start, stop))

    def _read(self, start: int, stop: int) -> list[dict]:
        condition, params = (
            (_WITH_PROBLEMS, []) if self.kind is None else ("row->>'kind' = %s", [self.kind])
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT row::text
                FROM imports_importbatch batch,
                     jsonb_array_elements(batch.rows) WITH ORDINALITY AS rows(row, number)
                WHERE batch.id = %s AND {condition}
                ORDER BY number
                LIMIT %s OFFSET %s
                """,
                [self.batch.pk, *params, max(stop - start, 0), start],
            )
            return [json.loads(text) for (text,) in cursor.fetchall()]
