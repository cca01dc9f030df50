"""Writing CSV and XLSX files that names typed into the app cannot turn into formulas.

A hotel called `=HYPERLINK("http://…";"Hôtel")` would be a live formula in the spreadsheet that
opens the export (CSV injection). Every text cell starting with a character a spreadsheet reads
as the start of a formula gets a leading apostrophe, as OWASP advises; numbers, dates and empty
cells are left as they are. Every export writes its rows through `csv_writer` or `append_row`.
"""

import csv
from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def safe_cell(value):
    """`value`, with a leading apostrophe if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(cells: Iterable) -> list:
    return [safe_cell(cell) for cell in cells]


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, cells: Iterable):
        return self._writer.writerow(safe_row(cells))

    def writerows(self, rows: Iterable[Iterable]):
        for cells in rows:
            self.writerow(cells)


def csv_writer(stream, **options) -> _SafeWriter:
    """A `csv.writer` on `stream` (same options) whose rows are written through `safe_cell`."""
    return _SafeWriter(csv.writer(stream, **options))


def append_row(sheet, cells: Iterable, *, bold: bool = False) -> None:
    """`sheet.append(cells)` for an openpyxl worksheet, through `safe_cell`; `bold` for a header
    or a total (styled as it is written, which a write-only worksheet requires)."""
    values = safe_row(cells)
    if bold:
        values = [WriteOnlyCell(sheet, value=value) for value in values]
        for cell in values:
            cell.font = BOLD
    sheet.append(values)
