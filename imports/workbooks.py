"""Files the import page offers: the templates to fill in, and the summary of an import.

The XLSX template opens on a French "how to" sheet, then one sheet per kind of row with its
headers (and a drop-down list of the accepted values where a column takes coded values); the
same headers are offered as one CSV file per kind. Everything is written through
core.spreadsheets, so no text can turn into a formula.
"""

import datetime
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import append_row, csv_writer, safe_cell
from imports import columns, values
from imports.columns import SHEETS, Sheet
from imports.models import RowKind
from imports.reading import MAX_ROWS
from imports.services import outcome_label

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
DATE_FORMAT = "DD/MM/YYYY"


def _bytes(workbook: Workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _header(sheet, labels: list[str]) -> None:
    append_row(sheet, labels)
    for index, label in enumerate(labels, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(len(label) + 4, 40))
    sheet.freeze_panes = "A2"


def headers(sheet: Sheet) -> list[str]:
    return [str(column.label) for column in sheet.columns]


def template_xlsx() -> bytes:
    """The template: instructions in French, then one empty sheet per kind."""
    with translation.override("fr"):
        workbook = Workbook()
        _instructions(workbook.active)
        lists_sheet, lists = _lists_sheet(workbook)
        for sheet in SHEETS:
            worksheet = workbook.create_sheet(str(sheet.label)[:31])
            _header(worksheet, headers(sheet))
            for index, column in enumerate(sheet.columns, start=1):
                letter = get_column_letter(index)
                if column.type == columns.DATE:
                    for row in range(2, 202):
                        worksheet[f"{letter}{row}"].number_format = DATE_FORMAT
                if column.type == columns.CHOICE:
                    _drop_down(worksheet, letter, lists[column.choices])
        workbook.move_sheet(lists_sheet, offset=len(SHEETS))
        return _bytes(workbook)


def _instructions(sheet) -> None:
    sheet.title = _("How to")[:31]
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = [
        [_("Bringing your spreadsheets into Ancrage")],
        [],
        [
            _(
                "Fill in the sheets of the rows you have (leave the others empty), then upload "
                "this file on the page “Import” of Ancrage. Nothing is recorded before you have "
                "checked the preview: each row as it will be recorded, and each problem with its "
                "sheet, row and column."
            )
        ],
        [
            _(
                "Dates: dd/mm/yyyy (or yyyy-mm-dd). At most %(rows)s rows and 5 MB per file. A "
                "row already imported is never imported twice: you may send the same file again "
                "after correcting it. Send the sheet “People” with the other sheets: they find "
                "their people there."
            )
            % {"rows": f"{MAX_ROWS:,}".replace(",", " ")}
        ],
        [
            _(
                "Hotels and their rooms, stock locations and the catalogue's items are not "
                "imported: create them in Ancrage first, with the same names."
            )
        ],
        [],
    ]
    for line in lines:
        append_row(sheet, line)
    sheet["A1"].font = Font(bold=True, size=14)
    for row in range(3, 6):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.cell(row=row, column=1).alignment = wrap
        sheet.row_dimensions[row].height = 48
    for sheet_definition in SHEETS:
        append_row(sheet, [str(sheet_definition.label), "", str(sheet_definition.help)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        append_row(sheet, [_("Column"), _("Required"), _("What to write")])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        for column in sheet_definition.columns:
            explanation = str(column.help)
            if column.type == columns.CHOICE:
                explanation = " ".join(
                    filter(
                        None,
                        [
                            explanation,
                            _("Accepted values: %(values)s.")
                            % {"values": ", ".join(values.choice_labels(column.choices))},
                        ],
                    )
                )
            elif column.type == columns.DATE and not explanation:
                explanation = _("A date: dd/mm/yyyy.")
            append_row(
                sheet,
                [str(column.label), _("yes") if column.required else "", explanation],
            )
            sheet.cell(row=sheet.max_row, column=3).alignment = wrap
        append_row(sheet, [])


def _lists_sheet(workbook: Workbook):
    """A sheet with the accepted values of each coded column, and {list name: its range}."""
    sheet = workbook.create_sheet(_("Accepted values")[:31])
    ranges = {}
    for index, name in enumerate(values.CHOICES, start=1):
        letter = get_column_letter(index)
        labels = values.choice_labels(name)
        sheet.cell(row=1, column=index, value=safe_cell(name)).font = Font(bold=True)
        for row, label in enumerate(labels, start=2):
            sheet.cell(row=row, column=index, value=safe_cell(label))
        sheet.column_dimensions[letter].width = 40
        title = sheet.title.replace("'", "''")
        ranges[name] = f"'{title}'!${letter}$2:${letter}${len(labels) + 1}"
    return sheet, ranges


def _drop_down(worksheet, letter: str, cells: str) -> None:
    # A suggestion, not a lock: the import also reads other spellings.
    validation = DataValidation(
        type="list", formula1=f"={cells}", allow_blank=True, showErrorMessage=False
    )
    worksheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")


def template_csv(sheet: Sheet) -> str:
    """The headers of one sheet as a CSV line (semicolons, as French spreadsheets expect)."""
    with translation.override("fr"):
        stream = io.StringIO()
        csv_writer(stream, delimiter=";").writerow(headers(sheet))
        return "\ufeff" + stream.getvalue()


# --- Filled workbooks (the exporter, the tests) ---------------------------------------------------


def filled_xlsx(rows_by_kind: dict[str, list[list]]) -> bytes:
    """A workbook in the template's format holding `rows_by_kind` ({kind: rows of cells in the
    order of its sheet's columns}); dates are written as spreadsheet dates."""
    with translation.override("fr"):
        workbook = Workbook()
        workbook.remove(workbook.active)
        for sheet in SHEETS:
            worksheet = workbook.create_sheet(str(sheet.label)[:31])
            _header(worksheet, headers(sheet))
            for cells in rows_by_kind.get(sheet.kind, []):
                append_row(worksheet, cells)
                for index, value in enumerate(cells, start=1):
                    if isinstance(value, datetime.date):
                        worksheet.cell(
                            row=worksheet.max_row, column=index
                        ).number_format = DATE_FORMAT
        return _bytes(workbook)


# --- The summary of an import -------------------------------------------------------------------


def summary_table(batch) -> tuple[list[str], list[list[str]]]:
    """The summary's header and rows: each row of the file, what became of it and why."""
    header = [_("Sheet"), _("Row"), _("Kind"), _("Result"), _("Recorded"), _("Details")]
    rows = []
    for row in sorted(batch.rows, key=lambda row: row["index"]):
        outcome = row.get("outcome") or {}
        details = outcome.get("message", "") or " ".join(
            problem["message"] for problem in row["problems"] + row["warnings"]
        )
        rows.append(
            [
                row["sheet"],
                row["row"],
                str(RowKind(row["kind"]).label),
                outcome_label(row),
                outcome.get("label", ""),
                details,
            ]
        )
    return header, rows


def summary_xlsx(batch) -> bytes:
    header, rows = summary_table(batch)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Summary")[:31]
    _header(sheet, header)
    for row in rows:
        append_row(sheet, row)
    sheet.column_dimensions["F"].width = 90
    return _bytes(workbook)


def summary_csv(batch) -> str:
    header, rows = summary_table(batch)
    stream = io.StringIO()
    writer = csv_writer(stream, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + stream.getvalue()
