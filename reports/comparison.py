"""The previous year beside this year, and the report's one-page summary.

A report is computed twice, the same way: for its period (N) and for the same period a year
earlier (N-1). Each table of N gets, after its own columns, the N-1 value of its value columns
(``previous:<key>``, headed "<header> (<year>)"): rows are matched by their code (months by their
month), a row found in one year only counts 0 in the other. A table with many value columns
compares only the ones that say most (`COMPARED_COLUMNS`, or else its first value column and its
total).

Small counts are hidden year by year: `year_views` splits the tables into the N view and the
N-1 view, each with the columns of its year, and the small-count rule (with its complementary
suppression) runs on each as it would on that year's report.

The summary (figure ``summary``) takes a few key figures from the tables with their N-1 value
and their change: relative for counts, in points for a rate. Each of its rows names its source
cell (``sources``), so a value hidden in a table is hidden in the summary too.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import figures

PREVIOUS = "previous:"
CHANGE = "change"
VALUE_KINDS = ("count", "number", "share", "days", "years", "decimal", "euros", "mixed")
MANY_COLUMNS = 3  # a table with more value columns than this compares only some of them

# Tables whose compared columns are chosen rather than the default.
COMPARED_COLUMNS = {
    "places_and_hotels": ("places", "nights", "occupancy"),
    "products": ("people",),
    "referrals": ("total",),
    "nights_by_hotel_and_month": ("total",),
    "steps_by_kind_and_status": ("obtained", "total"),
    # Gender × age: the gender and the age tables carry the previous year; the flows per hotel:
    # the flows per month do.
    "sex_and_age": (),
    "flows_by_hotel": (),
}

# The summary's rows: (code, label, source table, source row or None for the sum of its rows,
# source column, kind).
SUMMARY_ROWS = {
    "ars": [
        ("file_active", gettext_lazy("File active"), "activity", "file_active", "people", "count"),
        ("new_people", gettext_lazy("New people"), "activity", "new_people", "people", "count"),
        (
            "visits_done",
            gettext_lazy("Home visits done"),
            "visits_by_month",
            None,
            "done",
            "number",
        ),
        (
            "two_visits",
            gettext_lazy("Weeks with two visits"),
            "two_visits_a_week",
            "share",
            "value",
            "share",
        ),
        (
            "naloxone_kits",
            gettext_lazy("Naloxone kits handed out"),
            "harm_reduction_activity",
            "naloxone_kits",
            "count",
            "number",
        ),
        ("referrals", gettext_lazy("Referrals"), "referrals", None, "total", "count"),
        (
            "steps_obtained",
            gettext_lazy("Steps obtained"),
            "steps_obtained",
            None,
            "obtained",
            "count",
        ),
        ("deaths", gettext_lazy("Deaths"), "deaths", "people", "people", "count"),
    ],
    "operator": [
        ("places", gettext_lazy("Places"), "places_and_hotels", "total", "places", "number"),
        ("nights", gettext_lazy("Nights"), "places_and_hotels", "total", "nights", "number"),
        (
            "occupancy",
            gettext_lazy("Occupancy rate"),
            "places_and_hotels",
            "total",
            "occupancy",
            "share",
        ),
        ("entries", gettext_lazy("Entries"), "entries", "total", "entries", "count"),
        ("exits", gettext_lazy("Exits"), "stays", "exits", "value", "count"),
        (
            "mean_length",
            gettext_lazy("Mean length of stay"),
            "stays",
            "mean_length",
            "value",
            "days",
        ),
        (
            "waiting",
            gettext_lazy("Requests waiting at the end"),
            "waiting_list",
            "waiting_at_end",
            "value",
            "count",
        ),
        (
            "vouchers",
            gettext_lazy("Value of the vouchers given"),
            "vouchers",
            "value",
            "value",
            "euros",
        ),
    ],
}


def previous_period(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The same half-open period a year earlier (29 February becomes the 28th)."""

    def year_before(day: datetime.date) -> datetime.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return year_before(start), year_before(end)


def previous_header(start: datetime.date, end: datetime.date) -> str:
    """ "(2024)" for a calendar year, "(N-1)" for any other period."""
    whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 1, 1)
    if whole_year and end.year == start.year + 1:
        return f"({start.year - 1})"
    return "(N-1)"


def compute_with_previous(audience: str, start: datetime.date, end: datetime.date) -> dict:
    """Every table of the report with its N-1 columns, and the summary: what a report stores."""
    current = figures.compute(audience, start, end)
    previous = figures.compute(audience, *previous_period(start, end))
    suffix = previous_header(start, end)
    tables = {
        key: beside_previous(key, table, previous.get(key), suffix) if table else table
        for key, table in current.items()
    }
    tables["summary"] = summary(audience, tables, suffix)
    return tables


def _row_key(table: dict, row: list) -> str:
    if table["columns"][0][2] == "month":
        return str(row[0])[5:7]  # "2025-03-01" and "2024-03-01" are both March
    return str(row[0])


def compared_columns(key: str, table: dict) -> list[int]:
    """Indexes of the columns that get their N-1 value beside them."""
    columns = table["columns"]
    values = [j for j, column in enumerate(columns) if j > 0 and column[2] in VALUE_KINDS]
    if key in COMPARED_COLUMNS:
        return [j for j in values if columns[j][0] in COMPARED_COLUMNS[key]]
    if len(values) <= MANY_COLUMNS:
        return values
    return [j for j in values if j == values[0] or columns[j][0] == "total"]


def _zero(kind: str):
    return 0 if kind in ("count", "number", "euros", "mixed") else None


def beside_previous(key: str, table: dict, previous: dict | None, suffix: str) -> dict:
    compared = compared_columns(key, table)
    previous = previous or {"columns": table["columns"], "rows": [], "labels": {}}
    previous_index = {column[0]: j for j, column in enumerate(previous["columns"])}
    previous_rows = {_row_key(previous, row): row for row in previous["rows"]}
    kinds = {**previous.get("kinds", {}), **table.get("kinds", {})}

    def previous_cells(row_key: str) -> list:
        row = previous_rows.get(row_key)
        cells = []
        for j in compared:
            column_key, _header, kind = table["columns"][j]
            found = previous_index.get(column_key)
            if row is None or found is None:
                cells.append(_zero(kind))
            else:
                cells.append(row[found])
        return cells

    if not compared:
        return table
    rows = [[*row, *previous_cells(_row_key(table, row))] for row in table["rows"]]
    current_keys = {_row_key(table, row) for row in table["rows"]}
    labels = dict(table["labels"])
    for row in previous["rows"]:
        if _row_key(previous, row) in current_keys or table["columns"][0][2] == "month":
            continue  # a month of N-1 without its month in N has no place in N's table
        current = [row[0]] + [
            _zero(column[2]) if column[2] != "label" else row[previous_index.get(column[0], 0)]
            for column in table["columns"][1:]
        ]
        rows.append([*current, *previous_cells(_row_key(previous, row))])
        labels.update(
            {code: label for code, label in previous["labels"].items() if code not in labels}
        )
    # A total row stays last.
    rows.sort(key=lambda row: str(row[0]) == "total")
    merged = {
        **table,
        "columns": [
            *table["columns"],
            *[
                [
                    f"{PREVIOUS}{table['columns'][j][0]}",
                    f"{table['columns'][j][1]} {suffix}",
                    table["columns"][j][2],
                ]
                for j in compared
            ],
        ],
        "rows": rows,
        "labels": labels,
    }
    if kinds:
        merged["kinds"] = kinds
    return merged


def is_previous(column: list) -> bool:
    return column[0].startswith(PREVIOUS)


def current_columns(table: dict) -> list[int]:
    """This year's columns (the first, the label, included): not N-1, not the change."""
    return [
        j
        for j, column in enumerate(table["columns"])
        if not is_previous(column) and column[0] != CHANGE
    ]


def year_views(tables: dict) -> list[tuple[dict, dict[str, list[int]]]]:
    """The N view and the N-1 view of the tables: (tables of that year's columns only, and for
    each table the merged column index of each column of the view)."""
    views = []
    for previous in (False, True):
        view, index = {}, {}
        for key, table in tables.items():
            if previous:
                columns = [0] + [
                    j for j, column in enumerate(table["columns"]) if is_previous(column)
                ]
            else:
                columns = current_columns(table)
            view[key] = {
                **table,
                "columns": [
                    [table["columns"][j][0].removeprefix(PREVIOUS), *table["columns"][j][1:]]
                    for j in columns
                ],
                "rows": [[row[j] for j in columns] for row in table["rows"]],
            }
            index[key] = columns
        views.append((view, index))
    return views


def _change(kind: str, value, before):
    if value is None or before is None:
        return None
    if kind == "share":
        return round((value - before) * 100, 1)  # points
    if not before:
        return None
    return round((value - before) / before, 4)


def summary(audience: str, tables: dict, suffix: str) -> dict:
    rows, labels, kinds, sources = [], {}, {}, {}
    for code, label, key, row_code, column_key, kind in SUMMARY_ROWS[audience]:
        table = tables.get(key)
        if not table:
            continue
        keys = [column[0] for column in table["columns"]]
        if column_key not in keys or f"{PREVIOUS}{column_key}" not in keys:
            continue
        now, before = keys.index(column_key), keys.index(f"{PREVIOUS}{column_key}")
        if row_code is None:
            picked = [row for row in table["rows"] if str(row[0]) != "total"]
            value = sum(row[now] or 0 for row in picked)
            previous = sum(row[before] or 0 for row in picked)
        else:
            found = [row for row in table["rows"] if str(row[0]) == row_code]
            if not found:
                continue
            value, previous = found[0][now], found[0][before]
        rows.append([code, value, previous, _change(kind, value, previous)])
        labels[code] = str(label)
        kinds[code] = kind
        sources[code] = [key, row_code, column_key]
    return {
        "columns": [
            ["indicator", _("Indicator"), "label"],
            ["value", _("Value"), "mixed"],
            [f"{PREVIOUS}value", f"{_('Value')} {suffix}", "mixed"],
            [CHANGE, _("Change on a year"), CHANGE],
        ],
        "rows": rows,
        "labels": labels,
        "kinds": kinds,
        "sources": sources,
    }
