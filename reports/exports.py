"""The stored figures of a report as spreadsheets: one CSV per table, and a workbook.

Like the PDF, everything here reads `Report.figures` (and the organisation kept with it), never
the current data. Hidden cells are the PDF's (rendering.hidden_cells). In the workbook they are
left empty with a comment saying "< 5" (or "s"), so that a sum a user adds still works; in a CSV
they read "< 5" and "s" as in the PDF. Every row goes through core.spreadsheets (no formula can
be smuggled in by a name).
"""

import csv
import datetime
import io
import re

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core import spreadsheets
from reports.figures import SECTIONS
from reports.rendering import (
    SECONDARY,
    SECONDARY_MARK,
    SMALL,
    Hidden,
    cell_kind,
    hidden_cells,
    stored_tables,
)

SHEET_NAME_LENGTH = 31  # Excel's limit
NUMBER_FORMATS = {
    "count": "#,##0",
    "number": "#,##0",
    "share": "0.0 %",
    "euros": '#,##0.00 "€"',
    "days": "0.0",
    "years": "0.0",
    "decimal": "0.0",
    "change": "+0.0 %;-0.0 %;0.0 %",  # from the previous year
    "points": '+0.0" pts";-0.0" pts";0.0" pts"',
    "month": "mmmm yyyy",
}


def _small_mark() -> str:
    return f"< {settings.SMALL_COUNT_THRESHOLD}"


def export_rows(table: dict, hidden: Hidden) -> list[list[tuple[object, str]]]:
    """(value, kind) of each cell: labels in words, numbers as numbers (euros, not cents), months
    as dates, hidden cells as None with kind SMALL or SECONDARY."""
    rows = []
    for i, row in enumerate(table["rows"]):
        out = []
        for j, (value, column) in enumerate(zip(row, table["columns"], strict=True)):
            kind = cell_kind(table, column, row)
            if kind == "label":
                out.append((table["labels"].get(str(value), str(value)), kind))
            elif (i, j) in hidden:
                out.append((None, hidden[i, j]))
            elif value is None:
                out.append((None, kind))
            elif kind == "euros":
                out.append((value / 100, kind))
            elif kind in ("days", "years", "decimal", "share", "change", "points"):
                out.append((round(value, 4), kind))
            elif kind == "month":
                out.append((datetime.date.fromisoformat(value), kind))
            else:
                out.append((value, kind))
        rows.append(out)
    return rows


# --- CSV -------------------------------------------------------------------------------------


def _csv_value(value, kind: str, *, iso: bool):
    if kind == SMALL:
        return _small_mark()
    if kind == SECONDARY:
        return SECONDARY_MARK
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat() if iso else value.strftime("%d/%m/%Y")
    if isinstance(value, float) and not iso:
        return repr(value).replace(".", ",")
    return value


def table_csv(report, key: str, *, iso: bool = False) -> str | None:
    """One table as CSV, French by default (";", decimal comma, dd/mm/yyyy) or ISO (",",
    decimal point, yyyy-mm-dd); None if the report has no such table."""
    for figure, table in stored_tables(report):
        if figure.key == key:
            buffer = io.StringIO()
            writer = spreadsheets.csv_writer(
                buffer, delimiter="," if iso else ";", quoting=csv.QUOTE_MINIMAL
            )
            with translation.override(settings.LANGUAGE_CODE):
                writer.writerow([column[1] for column in table["columns"]])
            for row in export_rows(table, hidden_cells(report).get(key, {})):
                writer.writerow([_csv_value(value, kind, iso=iso) for value, kind in row])
            return buffer.getvalue()
    return None


# --- Workbook --------------------------------------------------------------------------------


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet name from a table's title: no character Excel refuses, at most 31 characters cut
    at a word, unique in the workbook (" (2)", " (3)"… when two titles start alike)."""
    name = " ".join(re.sub(r"[\[\]:*?/\\']", " ", str(title)).split()) or "Tableau"
    if len(name) > SHEET_NAME_LENGTH:
        cut = name[: SHEET_NAME_LENGTH + 1].rsplit(" ", 1)[0]
        name = cut if len(cut) >= 12 else name[:SHEET_NAME_LENGTH]
        name = name.rstrip(" ,;-–")
    base, counter = name, 2
    while name.casefold() in {used_name.casefold() for used_name in used}:
        suffix = f" ({counter})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix
        counter += 1
    used.add(name)
    return name


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


def _cover_sheet(book, report) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(_("Cover"))
    identity = report.organisation or {}
    signatory = ", ".join(
        part for part in (identity.get("signatory"), identity.get("signatory_title")) if part
    )
    if report.is_final:
        version = _("%(version)s, finalised on %(day)s") % {
            "version": report.version,
            "day": _date(timezone.localdate(report.finalised_at)),
        }
    else:
        version = _("%(version)s, draft (not finalised)") % {"version": report.version}
    built_at = timezone.localtime(report.built_at) if report.built_at else None
    rows = [
        (_("Organisation"), identity.get("name") or settings.REPORT_ORGANISATION),
        (_("Address"), identity.get("address", "")),
        (_("FINESS number"), identity.get("finess", "")),
        (_("Signatory"), signatory),
        (_("Report"), f"{_('Activity report')} – {report.get_audience_display()}"),
        (
            _("Period"),
            _("From %(start)s to %(end)s")
            % {"start": _date(report.period_start), "end": _date(report.period_end)},
        ),
        (_("Version"), version),
        (_("Generated at"), built_at.replace(tzinfo=None) if built_at else ""),
        (
            _("Hidden cells"),
            _(
                "Counts of people from 1 to %(below)s and the cells that would let one work "
                "them out are left empty, with a comment (“%(mark)s” or “s”): sums still work."
            )
            % {"below": settings.SMALL_COUNT_THRESHOLD - 1, "mark": _small_mark()},
        ),
    ]
    for label, value in rows:
        spreadsheets.append_row(sheet, [label, value])
    for label_cell, value_cell in sheet.iter_rows():
        label_cell.font = Font(bold=True)
        value_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value_cell.value, datetime.datetime):
            value_cell.number_format = "dd/mm/yyyy hh:mm"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 80


def _definitions_sheet(book, report) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet(_("Definitions"))
    spreadsheets.append_row(sheet, [_("Section"), _("Method"), _("Team's commentary"), _("Tables")])
    for index, section in enumerate(SECTIONS[report.audience], start=1):
        tables = [str(figure.title) for figure in section.figures if figure.key in report.figures]
        spreadsheets.append_row(
            sheet,
            [
                f"{index}. {section.title}",
                str(section.method),
                report.commentary.get(section.key, ""),
                "\n".join(tables),
            ],
        )
    for header in sheet[1]:
        header.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for value_cell in row:
            value_cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCD", (30, 70, 60, 40), strict=True):
        sheet.column_dimensions[column].width = width


def _table_sheet(book, name: str, table: dict, hidden: Hidden) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    sheet = book.create_sheet(name)
    spreadsheets.append_row(sheet, [column[1] for column in table["columns"]])
    for header in sheet[1]:
        header.font = Font(bold=True)
    grey = PatternFill("solid", start_color="EEEEEE")
    notes = {SMALL: _small_mark(), SECONDARY: SECONDARY_MARK}
    for row in export_rows(table, hidden):
        spreadsheets.append_row(sheet, [value for value, _kind in row])
        for written, (_value, kind) in zip(sheet[sheet.max_row], row, strict=True):
            if kind in notes:
                written.comment = Comment(notes[kind], "Ancrage")
                written.fill = grey
            elif kind in NUMBER_FORMATS:
                written.number_format = NUMBER_FORMATS[kind]
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 40
    for index in range(2, len(table["columns"]) + 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 16


def workbook(report) -> bytes:
    """The report as a workbook: a cover sheet, a definitions sheet (each section's method and
    commentary), then a sheet per table."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    hidden = hidden_cells(report)
    with translation.override(settings.LANGUAGE_CODE):
        _cover_sheet(book, report)
        _definitions_sheet(book, report)
        used = set(book.sheetnames)
        for figure, table in stored_tables(report):
            _table_sheet(book, sheet_name(figure.title, used), table, hidden.get(figure.key, {}))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
