"""The stored figures of a report as printed: French numbers, hidden small counts, SVG charts,
and the PDF, CSV and XLSX files. Everything here reads `Report.figures`, never the database's
current data, so a report always downloads as it was built.
"""

import datetime
import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from core import pdf, spreadsheets
from reports.figures import SECTIONS, Figure, Section

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


def small_count(value: int) -> bool:
    return 0 < value < settings.SMALL_COUNT_THRESHOLD


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
            return f"<{NBSP}{settings.SMALL_COUNT_THRESHOLD}"
        return number(value)
    if kind == "number":
        return number(value)
    if kind == "share":
        return f"{number(value * 100, 1)}{NBSP}%"
    if kind == "days":
        unit = _("days")
        return f"{number(value, 1)}{NBSP}{unit}"
    if kind == "euros":
        return f"{number(value / 100, 2)}{NBSP}€"
    return str(value)


def _kind(table: dict, column: list, row: list) -> str:
    kind = column[2]
    if kind == "mixed":
        return table.get("kinds", {}).get(str(row[0]), "number")
    return kind


def printed_rows(table: dict, *, hide_small: bool) -> list[list[str]]:
    return [
        [
            cell(value, _kind(table, column, row), table["labels"], hide_small=hide_small)
            for value, column in zip(row, table["columns"], strict=True)
        ]
        for row in table["rows"]
    ]


# --- Charts: inline SVG, drawn here -----------------------------------------------------------

PALETTE = ["#1f5f8b", "#e07b39", "#4c9a2a", "#8e44ad", "#c0392b", "#16a085"]


def bar_chart(
    categories: list[str], series: list[tuple[str, list[float]]], *, percent: bool = False
) -> str:
    """Vertical grouped bars: one group per category, one bar per series; a legend when there
    are several series. Values hidden as small counts are passed as 0."""
    width, height, left, bottom, top = 640, 240, 48, 56, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max([value for _name, values in series for value in values] + [0])
    scale = 1.0 if percent else (peak or 1)
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" font-size="9" font-family="sans-serif">'
    ]
    for step in range(5):
        y = top + plot_h - plot_h * step / 4
        value = scale * step / 4
        tick = f"{number(value * 100)}{NBSP}%" if percent else number(value)
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{escape(tick)}</text>'
        )
    for index, category in enumerate(categories):
        x0 = left + group_w * index + group_w * 0.1
        for serie, (_name, values) in enumerate(series):
            value = values[index] or 0
            bar_h = plot_h * min(value / scale, 1)
            parts.append(
                f'<rect x="{x0 + bar_w * serie:.1f}" y="{top + plot_h - bar_h:.1f}" '
                f'width="{bar_w:.1f}" height="{bar_h:.1f}" fill="{PALETTE[serie % 6]}"/>'
            )
        label = category if len(category) <= 14 else category[:13] + "…"
        cx = left + group_w * (index + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 10}" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {top + plot_h + 10})">{escape(label)}</text>'
        )
    if len(series) > 1:
        for serie, (name, _values) in enumerate(series):
            x = left + serie * 150
            parts.append(
                f'<rect x="{x}" y="{height - 10}" width="8" height="8" '
                f'fill="{PALETTE[serie % 6]}"/><text x="{x + 12}" y="{height - 3}">'
                f"{escape(name)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _chart_value(value, hide_small: bool) -> float:
    if value is None:
        return 0
    return 0 if hide_small and small_count(value) else value


def chart_for(figure: Figure, table: dict) -> str:
    if not figure.chart or not table["rows"]:
        return ""
    hide = figure.small_counts_hidden
    labels = table["labels"]
    if figure.chart == "months":
        categories = [month_label(row[0]).split()[0][:4] for row in table["rows"]]
        series = [
            (column[1], [_chart_value(row[index], hide) for row in table["rows"]])
            for index, column in enumerate(table["columns"])
            if index > 0
        ]
        return bar_chart(categories, series)
    if figure.chart == "occupancy":
        categories = [month_label(row[0]).split()[0][:4] for row in table["rows"]]
        return bar_chart(
            categories,
            [(table["columns"][-1][1], [row[-1] or 0 for row in table["rows"]])],
            percent=True,
        )
    rows = [row for row in table["rows"] if row[0] != "total"]
    value_index = 3 if figure.key == "places_and_hotels" else 1  # nights per hotel
    return bar_chart(
        [labels.get(str(row[0]), str(row[0])) for row in rows],
        [
            (
                table["columns"][value_index][1],
                [_chart_value(row[value_index], hide) for row in rows],
            )
        ],
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


def printed_sections(report) -> list[PrintedSection]:
    sections = []
    for index, section in enumerate(SECTIONS[report.audience], start=1):
        figures = []
        for figure in section.figures:
            table = report.figures.get(figure.key)
            if table is None:
                figures.append(PrintedFigure(figure, None, [], [], ""))
                continue
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
                        for row in printed_rows(table, hide_small=figure.small_counts_hidden)
                    ],
                    chart_for(figure, table),
                )
            )
        sections.append(PrintedSection(index, section, figures))
    return sections


def report_html(report) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "reports/report_pdf.html",
            {
                "report": report,
                "sections": printed_sections(report),
                "organisation": settings.REPORT_ORGANISATION,
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


# --- Spreadsheets -------------------------------------------------------------------------------


def _tables(report):
    for section in SECTIONS[report.audience]:
        for figure in section.figures:
            table = report.figures.get(figure.key)
            if table is not None:
                yield figure, table


def table_keys(report) -> list[str]:
    return [figure.key for figure, _table in _tables(report)]


def _export_rows(figure: Figure, table: dict) -> list[list]:
    """Labels in words, values as numbers; small counts hidden as in the PDF."""
    rows = []
    for row in table["rows"]:
        out = []
        for value, column in zip(row, table["columns"], strict=True):
            kind = _kind(table, column, row)
            if kind == "label":
                out.append(table["labels"].get(str(value), str(value)))
            elif kind == "count" and figure.small_counts_hidden and small_count(value):
                out.append(f"< {settings.SMALL_COUNT_THRESHOLD}")
            elif kind == "euros" and value is not None:
                out.append(value / 100)
            elif kind in ("days", "share") and value is not None:
                out.append(round(value, 4))
            else:
                out.append(value)
        rows.append(out)
    return rows


def table_csv(report, key: str) -> str | None:
    for figure, table in _tables(report):
        if figure.key == key:
            buffer = io.StringIO()
            writer = spreadsheets.csv_writer(buffer, delimiter=";")
            writer.writerow([column[1] for column in table["columns"]])
            writer.writerows(_export_rows(figure, table))
            return buffer.getvalue()
    return None


def _sheet_title(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    base, counter = name, 2
    while name in used:
        name = f"{base[:28]} {counter}"
        counter += 1
    used.add(name)
    return name


def workbook(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    with translation.override(settings.LANGUAGE_CODE):
        for figure, table in _tables(report):
            sheet = book.create_sheet(_sheet_title(str(figure.title), used))
            spreadsheets.append_row(sheet, [column[1] for column in table["columns"]])
            for header in sheet[1]:
                header.font = Font(bold=True)
            for row in _export_rows(figure, table):
                spreadsheets.append_row(sheet, row)
            sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_name(report, extension: str, key: str = "") -> str:
    suffix = f"-{key}" if key else ""
    return (
        f"rapport-{report.audience}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
        f"-v{report.version}{suffix}.{extension}"
    )
