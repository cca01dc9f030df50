"""The stored figures of a report as printed: French numbers, hidden small counts, SVG charts,
and the PDF, CSV and XLSX files. Everything here reads `Report.figures`, never the database's
current data, so a report always downloads as it was built.
"""

import base64
import datetime
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from babel.dates import format_date
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from PIL import Image

from core import pdf
from placements.models import MAINSTREAM_HOUSING
from reports import comparison
from reports.figures import SECTIONS, Figure, Section
from reports.models import LOGO_FORMATS
from support.models import DOMAIN_OF_KIND

NBSP = "\u00a0"
STYLESHEET = "reports/report.css"


# --- Numbers, French style ------------------------------------------------------------------------


def number(value: float | int, digits: int = 0) -> str:
    """1234567 -> "1 234 567", 12.345 (digits=1) -> "12,3": French separators, non-breaking."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", NBSP).replace(".", ",")


def month_label(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{MONTHS[day.month]} {day.year}"


def month_abbreviation(iso: str) -> str:
    """ "2025-04-01" -> "avr." in French: the language's own abbreviation (CLDR, via babel)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return format_date(
        datetime.date.fromisoformat(iso), "MMM", locale=translation.to_locale(language)
    )


def small_count(value: int) -> bool:
    return value is not None and 0 < value < settings.SMALL_COUNT_THRESHOLD


# A hidden cell is hidden either as a small count ("< 5") or, by complementary suppression, as
# a second value from which a small count could be worked out ("s").
SMALL = "small"
SECONDARY = "secondary"
SECONDARY_MARK = "s"

Hidden = dict[tuple[int, int], str]  # (row index, column index) -> SMALL or SECONDARY


def _small_mark() -> str:
    return f"<{NBSP}{settings.SMALL_COUNT_THRESHOLD}"


def cell(value, kind: str, labels: dict, *, hide_small: bool) -> str:
    """One value of a stored table as printed."""
    if kind == "label":
        return labels.get(str(value), str(value))
    if kind == "month":
        return month_label(value)
    if value is None:
        return "—"
    if kind == "count":
        if hide_small and small_count(value):
            return _small_mark()
        return number(value)
    if kind == "number":
        return number(value)
    if kind == "decimal":
        return number(value, 1)
    if kind == "share":
        return f"{number(value * 100, 1)}{NBSP}%"
    if kind == "days":
        unit = _("days")
        return f"{number(value, 1)}{NBSP}{unit}"
    if kind == "years":
        unit = _("years")
        return f"{number(value, 1)}{NBSP}{unit}"
    if kind == "euros":
        return f"{number(value / 100, 2)}{NBSP}€"
    if kind == "change":  # relative, from the previous year
        return f"{'+' if value > 0 else ''}{number(value * 100, 1)}{NBSP}%"
    if kind == "points":  # a rate's change, in percentage points
        unit = _("pts")
        return f"{'+' if value > 0 else ''}{number(value, 1)}{NBSP}{unit}"
    return str(value)


def cell_kind(table: dict, column: list, row: list) -> str:
    kind = column[2]
    if kind == "mixed":
        return table.get("kinds", {}).get(str(row[0]), "number")
    if kind == comparison.CHANGE:
        return "points" if table.get("kinds", {}).get(str(row[0])) == "share" else "change"
    return kind


def small_cells(table: dict, *, hide_small: bool) -> Hidden:
    """The cells of one table hidden as small counts: counts of people from 1 to 4."""
    if not hide_small:
        return {}
    return {
        (i, j): SMALL
        for i, row in enumerate(table["rows"])
        for j, (value, column) in enumerate(zip(row, table["columns"], strict=True))
        if cell_kind(table, column, row) == "count" and small_count(value)
    }


def printed_rows(table: dict, *, hide_small: bool, hidden: Hidden | None = None) -> list[list[str]]:
    if hidden is None:
        hidden = small_cells(table, hide_small=hide_small)
    marks = {SMALL: _small_mark(), SECONDARY: SECONDARY_MARK}
    return [
        [
            marks[hidden[i, j]]
            if (i, j) in hidden
            else cell(value, cell_kind(table, column, row), table["labels"], hide_small=False)
            for j, (value, column) in enumerate(zip(row, table["columns"], strict=True))
        ]
        for i, row in enumerate(table["rows"])
    ]


# --- Complementary suppression ------------------------------------------------------------------
#
# A count hidden as "< 5" must not be recoverable from what the report prints beside it: when a
# sum (a total row or column, or the same people counted in another table) has exactly one hidden
# term, the smallest other non-zero term is hidden too ("s"), or the total when there is none;
# this repeats until no sum has a single hidden term. A share is hidden when a count it is worked
# out from is hidden.

Ref = tuple[str, int, int]  # (figure key, row index, column index)

# The same count printed in two tables: (figure key, row code, column key) of each.
_SAME_CELLS = [
    (("incidents", "exclusions", "count"), ("exits_by_reason", "exclusion", "exits")),
    (("waiting_list_outcomes", "waiting", "requests"), ("waiting_list", "waiting_at_end", "value")),
    (("flows_by_hotel", "total", "entries"), ("entries", "total", "entries")),
    (("flows_by_hotel", "total", "exits"), ("stays", "exits", "value")),
    (("flows_by_hotel", "total", "transfers_out"), ("transfers", "total", "total")),
]
# The rows of a table whose column (by key) adds up to one cell of another.
_ROWS_ADD_UP_TO = [
    # The same people as the file active, by gender, age and situation at entry.
    (("sex", "people"), ("activity", "file_active", "people")),
    (("age", "people"), ("activity", "file_active", "people")),
    (("housing_at_entry", "people"), ("activity", "file_active", "people")),
    (("health_cover_at_entry", "people"), ("activity", "file_active", "people")),
    # The same exits, by destination and by reason.
    (("exits_by_destination", "exits"), ("stays", "exits", "value")),
    (("exits_by_reason", "exits"), ("stays", "exits", "value")),
    (("length_of_stay_bands", "exits"), ("stays", "exits", "value")),
    (("flows_by_month", "entries"), ("flows_by_hotel", "total", "entries")),
    (("flows_by_month", "transfers"), ("flows_by_hotel", "total", "transfers_out")),
    (("flows_by_month", "exits"), ("flows_by_hotel", "total", "exits")),
    # The same sums without the flows per hotel, which the previous year's columns do not carry.
    (("flows_by_month", "entries"), ("entries", "total", "entries")),
    (("flows_by_month", "transfers"), ("transfers", "total", "total")),
    (("flows_by_month", "exits"), ("stays", "exits", "value")),
]


def _row_index(figures: dict, key: str, code: str) -> int | None:
    table = figures.get(key)
    if not table:
        return None
    for index, row in enumerate(table["rows"]):
        if str(row[0]) == code:
            return index
    return None


def _cell_ref(figures: dict, key: str, code: str, column: str) -> Ref | None:
    i = _row_index(figures, key, code)
    if i is None:
        return None
    keys = [found[0] for found in figures[key]["columns"]]
    return (key, i, keys.index(column)) if column in keys else None


def _count_columns(table: dict, row: list) -> list[int]:
    return [
        j
        for j, column in enumerate(table["columns"])
        if cell_kind(table, column, row) in ("count", "number") and j > 0
    ]


def _relations(figures: dict) -> tuple[list[tuple[Ref, list[Ref]]], list[tuple[Ref, list[Ref]]]]:
    """(sums, shares): sums as (total, terms); shares as (share, the counts it depends on)."""
    sums: list[tuple[Ref, list[Ref]]] = []
    shares: list[tuple[Ref, list[Ref]]] = []
    for key, table in figures.items():
        if not table or not table["rows"]:
            continue
        rows, columns = table["rows"], table["columns"]
        keys = [column[0] for column in columns]
        total_row = _row_index(figures, key, "total")
        if total_row is not None:
            for j in _count_columns(table, rows[total_row]):
                terms = [(key, i, j) for i in range(len(rows)) if i != total_row]
                sums.append(((key, total_row, j), terms))
        if "total" in keys:
            total_col = keys.index("total")
            for i, row in enumerate(rows):
                if i == total_row:
                    continue
                terms = [(key, i, j) for j in _count_columns(table, row) if j != total_col]
                sums.append(((key, i, total_col), terms))
    if figures.get("products") and figures["products"]["rows"]:
        table = figures["products"]
        for i, _row in enumerate(table["rows"]):
            sums.append((("products", i, 1), [("products", i, j) for j in range(2, len(_row))]))
    outcomes = {
        code: _row_index(figures, "consumption_outcomes", code)
        for code in ("stopped", "reduced", "stable", "increased", "assessed")
    }
    outcomes = {code: i for code, i in outcomes.items() if i is not None}
    if "assessed" in outcomes:
        assessed = ("consumption_outcomes", outcomes["assessed"], 1)
        terms = {
            code: ("consumption_outcomes", i, 1)
            for code, i in outcomes.items()
            if code != "assessed"
        }
        sums.append((assessed, list(terms.values())))
        for share, parts in (
            ("share_fell", ["stopped", "reduced"]),
            ("share_stopped", ["stopped"]),
        ):
            i = _row_index(figures, "consumption_outcomes", share)
            if i is not None:
                deps = [terms[code] for code in parts if code in terms]
                shares.append((("consumption_outcomes", i, 1), [assessed, *deps]))
    overdoses = _row_index(figures, "harm_reduction_activity", "overdoses")
    if overdoses is not None:
        table = figures["harm_reduction_activity"]
        terms = [
            ("harm_reduction_activity", i, 1)
            for i, row in enumerate(table["rows"])
            if str(row[0]).startswith("overdose_")
        ]
        sums.append((("harm_reduction_activity", overdoses, 1), terms))
    for cells in _SAME_CELLS:
        refs = [_cell_ref(figures, *cell) for cell in cells]
        if None not in refs:
            sums.append((refs[0], [refs[1]]))
    for (key, column), total in _ROWS_ADD_UP_TO:
        ref = _cell_ref(figures, *total)
        keys = [found[0] for found in figures[key]["columns"]] if figures.get(key) else []
        if ref is not None and column in keys:
            j = keys.index(column)
            sums.append((ref, [(key, r, j) for r in range(len(figures[key]["rows"]))]))
    total = _cell_ref(figures, "incidents_by_hotel", "total", "incidents")
    if total is not None and figures.get("incidents"):  # the incidents by kind add up to it
        kinds = [
            ("incidents", r, 1)
            for r, row in enumerate(figures["incidents"]["rows"])
            if row[0] != "exclusions"
        ]
        sums.append((total, kinds))
    summary = figures.get("summary")
    for i, row in enumerate(summary["rows"] if summary else []):
        key, code, column_key = summary["sources"][str(row[0])]
        source = figures.get(key)
        if not source:
            continue
        keys = [column[0] for column in source["columns"]]
        if column_key not in keys:
            continue
        j = keys.index(column_key)
        if code is None:  # the sum of the source's rows
            terms = [(key, r, j) for r, other in enumerate(source["rows"]) if other[0] != "total"]
            sums.append((("summary", i, 1), terms))
        elif (r := _row_index(figures, key, code)) is not None:
            sums.append((("summary", i, 1), [(key, r, j)]))
    share = _row_index(figures, "stays", "mainstream_share")
    if share is not None:
        deps = []
        exits = _row_index(figures, "stays", "exits")
        if exits is not None:
            deps.append(("stays", exits, 1))
        for value in MAINSTREAM_HOUSING:
            r = _row_index(figures, "exits_by_destination", value)
            if r is not None:
                deps.append(("exits_by_destination", r, 1))
        shares.append((("stays", share, 1), deps))
    _add_ars_relations(figures, sums, shares)
    return sums, shares


def _add_ars_relations(figures: dict, sums: list, shares: list) -> None:
    """The sums between the ARS tables of contacts, gender and age, handouts, referrals and
    drug checking, beside the totals every table declares by its "total" row or column."""

    def ref(key: str, code: str, column: int = 1) -> Ref | None:
        i = _row_index(figures, key, code)
        return None if i is None else (key, i, column)

    def add_sum(total: Ref | None, terms: list) -> None:
        terms = [term for term in terms if term is not None]
        if total is not None and terms:
            sums.append((total, terms))

    contacts = figures.get("contacts")
    if contacts:
        add_sum(
            ref("contacts", "all"),
            [("contacts", i, 1) for i, row in enumerate(contacts["rows"]) if row[0] != "all"],
        )
    # Gender and age: each row adds up to the gender's count, each column to the band's.
    cross = figures.get("sex_and_age")
    if cross:
        codes = [column[0] for column in cross["columns"]]
        for i, row in enumerate(cross["rows"]):
            add_sum(ref("sex", str(row[0])), [("sex_and_age", i, j) for j in range(1, len(row))])
        for j, code in enumerate(codes[1:], start=1):
            add_sum(ref("age", code), [("sex_and_age", i, j) for i in range(len(cross["rows"]))])
    age = figures.get("age")
    if age:
        add_sum(
            ref("age_summary", "known"),
            [("age", i, 1) for i, row in enumerate(age["rows"]) if row[0] != "unknown"],
        )
    add_sum(
        ref("material_recipients", "handouts"),
        [
            ref("material_recipients", "handouts_residents"),
            ref("material_recipients", "handouts_anonymous"),
        ],
    )
    referrals = figures.get("referrals")
    if referrals:
        add_sum(
            ref("referral_kinds", "total"),
            [("referrals", i, 1) for i in range(len(referrals["rows"]))],
        )
    received = ref("drug_checking_results", "received")
    returned = ref("drug_checking_results", "returned")
    add_sum(received, [returned, ref("drug_checking_results", "not_returned")])
    share = ref("drug_checking_results", "share_returned")
    if share is not None:
        shares.append((share, [found for found in (received, returned) if found is not None]))
    # Steps obtained by domain: the obtained column of the steps by kind, kinds of that domain.
    steps = figures.get("steps_by_kind_and_status")
    if steps and "obtained" in (keys := [column[0] for column in steps["columns"]]):
        obtained = keys.index("obtained")
        for i, row in enumerate(figures.get("steps_obtained", {}).get("rows", [])):
            add_sum(
                ("steps_obtained", i, 1),
                [
                    ("steps_by_kind_and_status", k, obtained)
                    for k, kind_row in enumerate(steps["rows"])
                    if DOMAIN_OF_KIND.get(kind_row[0]) == row[0]
                ],
            )


def hidden_cells(report) -> dict[str, Hidden]:
    """For each table of the report, the cells it hides: small counts of people, then the
    complementary cells (see above). The same for the PDF, the CSV and the XLSX."""
    figures = {key: table for key, table in (report.figures or {}).items() if table}
    hidden: dict[Ref, str] = {}
    for figure, table in _tables(report):
        for (i, j), why in small_cells(table, hide_small=figure.small_counts_hidden).items():
            hidden[figure.key, i, j] = why
    # This year's columns and the previous year's, each as that year's report would hide them.
    for view, columns in comparison.year_views(figures):
        position = {key: {j: jj for jj, j in enumerate(js)} for key, js in columns.items()}
        in_view = {
            (key, i, position[key][j]): why
            for (key, i, j), why in hidden.items()
            if j in position.get(key, {})
        }
        _suppress(view, in_view)
        hidden.update({(key, i, columns[key][jj]): why for (key, i, jj), why in in_view.items()})
    summary = figures.get("summary")
    if summary:  # a change is worked out from both years' values
        keys = [column[0] for column in summary["columns"]]
        change, values = keys.index(comparison.CHANGE), comparison.current_columns(summary)[1:]
        values += [
            j for j, column in enumerate(summary["columns"]) if comparison.is_previous(column)
        ]
        for i in range(len(summary["rows"])):
            if any(("summary", i, j) in hidden for j in values):
                hidden.setdefault(("summary", i, change), SECONDARY)
    by_table: dict[str, Hidden] = {key: {} for key in figures}
    for (key, i, j), why in hidden.items():
        by_table[key][i, j] = why
    return by_table


def _suppress(figures: dict, hidden: dict[Ref, str]) -> None:
    """Complementary suppression on one year's tables: adds to `hidden` in place."""

    def value(ref: Ref) -> float:
        key, i, j = ref
        found = figures[key]["rows"][i][j]
        return found if isinstance(found, int | float) else 0

    sums, shares = _relations(figures)
    changed = True
    while changed:
        changed = False
        for total, terms in sums:
            if sum(1 for ref in [total, *terms] if ref in hidden) != 1:
                continue
            candidates = [ref for ref in terms if ref not in hidden and value(ref) > 0]
            if candidates:
                hidden[min(candidates, key=value)] = SECONDARY
                changed = True
            elif total not in hidden and value(total) > 0:
                hidden[total] = SECONDARY
                changed = True
    for share, deps in shares:
        if any(ref in hidden for ref in deps) and share not in hidden:
            hidden[share] = SECONDARY


# --- Charts: inline SVG, drawn here -----------------------------------------------------------

PALETTE = ["#1f5f8b", "#e07b39", "#4c9a2a", "#8e44ad", "#c0392b", "#16a085"]
LABEL_LINE = 30  # characters on one line of a category label (horizontal bars)
SHORT_LABEL = 8  # categories this short (months) are drawn as vertical bars


def nice_ticks(peak: float) -> list[int]:
    """Ticks of a count axis from 0: a round step (1, 2 or 5 × 10^n), at most 5 intervals, the
    last tick at or above the peak. 431 -> 0, 100, …, 500."""
    if peak <= 0:
        return [0, 1]
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            intervals = -(-peak // step)  # ceiling
            if intervals <= 5:
                return [int(step * index) for index in range(int(intervals) + 1)]
        magnitude *= 10


def _wrap(label: str, width: int = LABEL_LINE) -> list[str]:
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _ticks(series, percent: bool) -> tuple[list[float], list[str]]:
    if percent:
        values = [step / 5 for step in range(6)]
        return values, [f"{number(value * 100)}{NBSP}%" for value in values]
    peak = max([value for _name, values in series for value in values] + [0])
    values = nice_ticks(peak)
    return values, [number(value) for value in values]


def _legend(series, y: float) -> list[str]:
    if len(series) < 2:
        return []
    parts = []
    for serie, (name, _values) in enumerate(series):
        x = 8 + serie * 150
        parts.append(
            f'<rect x="{x}" y="{y - 8}" width="8" height="8" fill="{PALETTE[serie % 6]}"/>'
            f'<text x="{x + 12}" y="{y}">{escape(name)}</text>'
        )
    return parts


def bar_chart(
    categories: list[str],
    series: list[tuple[str, list[float]]],
    *,
    percent: bool = False,
    marks: list[list[str]] | None = None,
) -> str:
    """Grouped bars, one group per category and one bar per series, with a legend when there
    are several series. Short categories (months) stand under vertical bars; others are full
    labels, wrapped, beside horizontal bars. `marks[serie][index]`, when given, is printed in
    place of a hidden value ("< 5", "s"), whose bar is not drawn."""
    if categories and max(len(category) for category in categories) > SHORT_LABEL:
        return _horizontal_bars(categories, series, percent=percent, marks=marks)
    width, height, left, bottom, top = 640, 240, 48, 40, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    ticks, tick_labels = _ticks(series, percent)
    scale = ticks[-1] or 1
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" font-size="9" font-family="sans-serif">'
    ]
    for tick, tick_label in zip(ticks, tick_labels, strict=True):
        y = top + plot_h - plot_h * tick / scale
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{escape(tick_label)}</text>'
        )
    for index, category in enumerate(categories):
        x0 = left + group_w * index + group_w * 0.1
        for serie, (_name, values) in enumerate(series):
            value = values[index] or 0
            bar_h = plot_h * min(value / scale, 1)
            x = x0 + bar_w * serie
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" '
                f'width="{bar_w:.1f}" height="{bar_h:.1f}" fill="{PALETTE[serie % 6]}"/>'
            )
            mark = marks[serie][index] if marks else ""
            if mark:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - 3}" '
                    f'text-anchor="middle">{escape(mark)}</text>'
                )
        cx = left + group_w * (index + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 12}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    parts += _legend(series, height - 4)
    parts.append("</svg>")
    return "".join(parts)


def _horizontal_bars(categories, series, *, percent: bool, marks) -> str:
    width, left, top, line_h = 640, 196, 16, 11
    wrapped = [_wrap(category) for category in categories]
    bar_h = 12
    group_hs = [max(len(lines) * line_h, bar_h * len(series)) + 8 for lines in wrapped]
    plot_h = sum(group_hs)
    legend_h = 16 if len(series) > 1 else 0
    height = top + plot_h + 16 + legend_h
    plot_w = width - left - 16
    ticks, tick_labels = _ticks(series, percent)
    scale = ticks[-1] or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" font-size="9" font-family="sans-serif">'
    ]
    for tick, tick_label in zip(ticks, tick_labels, strict=True):
        x = left + plot_w * tick / scale
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#ddd"/>'
            f'<text x="{x:.1f}" y="{top + plot_h + 11}" text-anchor="middle">'
            f"{escape(tick_label)}</text>"
        )
    y0 = top
    for index, lines in enumerate(wrapped):
        group_h = group_hs[index]
        first_line = y0 + group_h / 2 - (len(lines) - 1) * line_h / 2 + 3
        tspans = "".join(
            f'<tspan x="{left - 6}" y="{first_line + n * line_h:.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end">{tspans}</text>')
        bars_y = y0 + (group_h - bar_h * len(series)) / 2
        for serie, (_name, values) in enumerate(series):
            value = values[index] or 0
            bar_w = plot_w * min(value / scale, 1)
            y = bars_y + bar_h * serie
            parts.append(
                f'<rect x="{left}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h - 2}" '
                f'fill="{PALETTE[serie % 6]}"/>'
            )
            mark = marks[serie][index] if marks else ""
            if mark:
                parts.append(f'<text x="{left + 4}" y="{y + 8:.1f}">{escape(mark)}</text>')
        y0 += group_h
    parts += _legend(series, height - 4)
    parts.append("</svg>")
    return "".join(parts)


def _too_small() -> str:
    return f'<p class="chart-empty">{escape(_("Counts too small to be shown."))}</p>'


def chart_for(figure: Figure, table: dict, hidden: Hidden | None = None) -> str:
    """The chart of a figure, from its table as printed: hidden cells are not drawn (their mark
    stands in their place), and a chart whose bars would all be hidden is a sentence instead."""
    if not figure.chart or not table["rows"]:
        return ""
    if hidden is None:
        hidden = small_cells(table, hide_small=figure.small_counts_hidden)
    marks_of = {SMALL: f"<{NBSP}{settings.SMALL_COUNT_THRESHOLD}", SECONDARY: SECONDARY_MARK}
    rows = [(i, row) for i, row in enumerate(table["rows"]) if row[0] != "total"]

    def serie(j: int) -> tuple[list[float], list[str]]:
        values = [0 if (i, j) in hidden else (row[j] or 0) for i, row in rows]
        return values, [marks_of.get(hidden.get((i, j)), "") for i, row in rows]

    current = comparison.current_columns(table)
    if figure.chart in ("months", "occupancy"):
        categories = [month_abbreviation(row[0]) for _i, row in rows]
        columns = [current[-1]] if figure.chart == "occupancy" else current[1:]
    else:
        categories = [table["labels"].get(str(row[0]), str(row[0])) for _i, row in rows]
        columns = [3 if figure.key == "places_and_hotels" else 1]  # nights per hotel
    drawn = [(table["columns"][j][1], *serie(j)) for j in columns]
    if any(any(marks) for _name, _values, marks in drawn) and not any(
        value for _name, values, _marks in drawn for value in values
    ):
        return _too_small()
    return bar_chart(
        categories,
        [(name, values) for name, values, _marks in drawn],
        percent=figure.chart == "occupancy",
        marks=[marks for _name, _values, marks in drawn],
    )


# --- The report as sections of printed tables --------------------------------------------------


@dataclass
class PrintedFigure:
    figure: Figure
    table: dict | None
    headers: list[str]
    rows: list[list[tuple[str, str]]]  # (printed value, css class)
    chart: str


@dataclass
class PrintedSection:
    number: int
    section: Section
    figures: list[PrintedFigure]
    commentary: str = ""  # the team's analysis, printed beside the tables


def printed_sections(report) -> list[PrintedSection]:
    hidden = hidden_cells(report)
    sections = []
    for index, section in enumerate(SECTIONS[report.audience], start=1):
        figures = []
        for figure in section.figures:
            table = report.figures.get(figure.key)
            if table is None:
                figures.append(PrintedFigure(figure, None, [], [], ""))
                continue
            mask = hidden.get(figure.key, {})
            figures.append(
                PrintedFigure(
                    figure,
                    table,
                    [column[1] for column in table["columns"]],
                    [
                        [
                            (value, "text" if column[2] in ("label", "month") else "number")
                            for value, column in zip(row, table["columns"], strict=True)
                        ]
                        for row in printed_rows(
                            table, hide_small=figure.small_counts_hidden, hidden=mask
                        )
                    ],
                    chart_for(figure, table, mask),
                )
            )
        commentary = (report.commentary or {}).get(section.key, "")
        sections.append(PrintedSection(index, section, figures, commentary))
    return sections


# --- The document: who publishes it, and whether it is final ----------------------------------


def organisation_logo(name: str) -> str:
    """The logo file kept with a report as a `data:` URL for the PDF (which fetches no file),
    or "" when there is none or it is not a PNG or JPEG image any more."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as file:
            content = file.read()
        with Image.open(io.BytesIO(content)) as image:
            content_type = LOGO_FORMATS.get(image.format or "")
    except (OSError, ValueError):  # the file went missing or is damaged: no logo
        return ""
    if content_type is None:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def document_context(report) -> dict:
    """The cover's and the footer's organisation (as kept with the report), and the draft mark."""
    identity = dict(report.organisation or {})
    identity.setdefault("name", settings.REPORT_ORGANISATION)
    identity["name"] = identity["name"] or settings.REPORT_ORGANISATION
    footer = " · ".join(
        part
        for part in (
            identity["name"],
            _("FINESS %(number)s") % {"number": identity["finess"]}
            if identity.get("finess")
            else "",
            _("version %(version)s") % {"version": report.version},
            _("draft") if report.is_draft else "",
        )
        if part
    )
    return {
        "organisation": identity,
        "logo": organisation_logo(identity.get("logo", "")),
        "footer": footer,
        "draft": report.is_draft,
        "finalised_on": formats.date_format(timezone.localtime(report.finalised_at), "j F Y")
        if report.finalised_at
        else "",
    }


def report_html(report) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "reports/report_pdf.html",
            {
                "report": report,
                "sections": printed_sections(report),
                **document_context(report),
                "threshold": settings.SMALL_COUNT_THRESHOLD,
                "below": settings.SMALL_COUNT_THRESHOLD - 1,
                "generated_on": formats.date_format(
                    timezone.localtime(report.built_at or timezone.now()), "j F Y"
                ),
                "period_start": formats.date_format(report.period_start, "j F Y"),
                "period_end": formats.date_format(report.period_end, "j F Y"),
            },
        )


def render_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html, stylesheet=STYLESHEET)


# --- The tables stored, in the report's order (the spreadsheets: reports.exports) -------------


def _tables(report):
    for section in SECTIONS[report.audience]:
        for figure in section.figures:
            table = report.figures.get(figure.key)
            if table is not None:
                yield figure, table


def stored_tables(report):
    """(figure, stored table) of each table of the report, in the report's order."""
    yield from _tables(report)


def table_keys(report) -> list[str]:
    return [figure.key for figure, _table in _tables(report)]


def table_csv(report, key: str, *, iso: bool = False) -> str | None:
    """One table as CSV: see reports.exports (kept here for the callers of this module)."""
    from reports import exports

    return exports.table_csv(report, key, iso=iso)


def workbook(report) -> bytes:
    """The report as a workbook: see reports.exports (kept here for the callers of this module)."""
    from reports import exports

    return exports.workbook(report)


def file_name(report, extension: str, key: str = "") -> str:
    suffix = f"-{key}" if key else ""
    return (
        f"rapport-{report.audience}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
        f"-v{report.version}{suffix}.{extension}"
    )
