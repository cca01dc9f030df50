"""Reading an uploaded spreadsheet: XLSX or CSV, told apart by their content, never by their name.

An XLSX file is a zip archive: its table of contents is checked before anything is unpacked
(the sizes it announces, which Python's zipfile then holds each member to, so a "zip bomb" is
refused before it expands), then openpyxl reads it in read-only mode, taking the values the
spreadsheet stored (`data_only`: no formula is evaluated, external links are not loaded, and a
workbook with macros is refused). A CSV file is UTF-8 (with or without its byte-order mark) or
Windows-1252, separated by semicolons, commas or tabs.

Everything else, and every file openpyxl or the csv module cannot read, is refused with a French
message (`UnreadableFile`): reading never fails otherwise.
"""

import codecs
import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.params import CONTROL_CHARACTERS
from imports.columns import SHEETS, Sheet, normalised

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
# What an XLSX file of MAX_BYTES may unpack to: spreadsheets' XML compresses about tenfold.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2_000
MAX_SHEETS = 30
MAX_COLUMNS = 60
# Rows beyond this one are not read (a sheet may claim a million empty rows).
MAX_SCANNED_ROWS = 100_000
HEADER_SEARCH_ROWS = 10

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Sheets of our own template that hold no rows.
TEMPLATE_SHEETS = {"mode d emploi", "instructions", "valeurs", "values", "valeurs acceptees"}


class UnreadableFile(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RawRow:
    number: int  # the row's number as the spreadsheet shows it
    cells: dict[str, object]  # column key -> the cell's value as read


@dataclass
class RawSheet:
    sheet: Sheet
    name: str  # as named in the file
    rows: list[RawRow]


@dataclass
class ParsedFile:
    format: str  # "xlsx" or "csv"
    sheets: list[RawSheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(sheet.rows) for sheet in self.sheets)


def read_upload(data: bytes) -> ParsedFile:
    """The sheets and rows of an uploaded file (raises UnreadableFile)."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(too_large_message())
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        parsed = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC):
        raise UnreadableFile(
            _(
                "This file is an old Excel workbook (.xls) or one protected by a password: "
                "save it as .xlsx without a password, or as CSV."
            )
        )
    else:
        parsed = _read_csv(data)
    if not parsed.sheets:
        raise UnreadableFile(
            _(
                "No sheet of this file has the columns of a template (people, stays, admission "
                "requests, stock levels). Start from the template, or name the columns as it does."
            )
        )
    if parsed.row_count > MAX_ROWS:
        raise UnreadableFile(_("This file has more than 5 000 rows: split it in several files."))
    return parsed


def too_large_message() -> str:
    return _("This file is larger than 5 MB: split it in several files.")


# --- XLSX ---------------------------------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    """Refuse what is not a plain XLSX workbook before openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise UnreadableFile(_("This file is not a spreadsheet Ancrage can read."))
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                raise UnreadableFile(
                    _("This file unpacks to more than 100 MB: it is refused as a precaution.")
                )
            if any(member.flag_bits & 0x1 for member in members):
                raise UnreadableFile(_("This file is protected by a password: remove it first."))
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                raise UnreadableFile(
                    _("OpenDocument files (.ods) are not accepted: save it as .xlsx or as CSV.")
                )
            if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
                raise UnreadableFile(
                    _("This archive is not an Excel workbook: send an .xlsx or a CSV file.")
                )
            if "xl/workbook.bin" in names:
                raise UnreadableFile(
                    _("Binary workbooks (.xlsb) are not accepted: save it as .xlsx.")
                )
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UnreadableFile(
                    _("This workbook holds macros: save it as .xlsx, without macros.")
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError):
        raise UnreadableFile(_("This XLSX file is damaged or incomplete: save it again.")) from None


def _read_xlsx(data: bytes) -> ParsedFile:
    _check_archive(data)
    import openpyxl

    parsed = ParsedFile("xlsx")
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False, keep_vba=False
        )
    except Exception:  # openpyxl raises many kinds of errors on a hostile file
        logger.info("Import: an XLSX file could not be opened", exc_info=True)
        raise UnreadableFile(_("This XLSX file is damaged or incomplete: save it again.")) from None
    try:
        worksheets = [sheet for sheet in workbook.worksheets if hasattr(sheet, "iter_rows")]
        for worksheet in worksheets[:MAX_SHEETS]:
            table = worksheet.iter_rows(
                max_col=MAX_COLUMNS, max_row=MAX_SCANNED_ROWS, values_only=True
            )
            _add_sheet(parsed, str(worksheet.title)[:80], table)
    except UnreadableFile:
        raise
    except Exception:
        logger.info("Import: an XLSX file could not be read", exc_info=True)
        raise UnreadableFile(_("This XLSX file is damaged or incomplete: save it again.")) from None
    finally:
        workbook.close()
    return parsed


# --- CSV ----------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            _("This text file is in UTF-16: save it as “CSV UTF-8” (or CSV) and send it again.")
        )
    if b"\x00" in data:
        raise UnreadableFile(_("This file is neither an XLSX workbook nor a CSV file."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(
            _("This CSV file is neither UTF-8 nor Windows-1252 text: save it as “CSV UTF-8”.")
        )
    if len(CONTROL_CHARACTERS.findall(text[:20_000])) > 20:
        raise UnreadableFile(_("This file is neither an XLSX workbook nor a CSV file."))
    if text.lstrip().lower().startswith(("<!doctype", "<html", "<?xml", "<table")):
        raise UnreadableFile(
            _("This file is a web page or XML, not a spreadsheet: save it as .xlsx or as CSV.")
        )
    return text


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> ParsedFile:
    text = _decode(data)
    parsed = ParsedFile("csv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        table = [row[:MAX_COLUMNS] for row in reader]
    except csv.Error:
        raise UnreadableFile(
            _("This CSV file could not be read (a quote left open, or a cell too long).")
        ) from None
    _add_sheet(parsed, "CSV", iter(table), csv_file=True)
    return parsed


# --- Sheets, headers and rows -------------------------------------------------------------------


def _match(sheet: Sheet, header: tuple) -> dict[int, str]:
    """{cell index: column key} for the cells of `header` naming a column of `sheet`."""
    names = {column.key: column.names() for column in sheet.columns}
    found: dict[int, str] = {}
    for index, cell in enumerate(header):
        word = normalised(cell) if isinstance(cell, str) else ""
        word = word.removesuffix(" obligatoire").strip()
        for key, accepted in names.items():
            if word and word in accepted and key not in found.values():
                found[index] = key
                break
    return found


def _find_header(candidates: list[Sheet], rows: list[tuple]):
    """The sheet, header row index and its columns that best fit the first rows, if any."""
    best = None
    for sheet in candidates:
        required = {column.key for column in sheet.required}
        for index, row in enumerate(rows):
            found = _match(sheet, row)
            if not found:
                continue
            score = (required <= set(found.values()), len(found))
            if best is None or score > best[0]:
                best = (score, sheet, index, found)
    return best


def _add_sheet(parsed: ParsedFile, name: str, table, *, csv_file: bool = False) -> None:
    """Recognise the sheet `name` from its name or its header, and read its rows."""
    head = []
    for row in table:
        head.append(tuple(row))
        if len(head) == HEADER_SEARCH_ROWS:
            break
    word = normalised(name)
    if word in TEMPLATE_SHEETS:
        return
    named = [sheet for sheet in SHEETS if word in sheet.names()]
    best = _find_header(named or list(SHEETS), head)
    if best is None or (not named and not best[0][0]):
        if any(any(not _empty(cell) for cell in row) for row in head):
            parsed.notes.append(
                _("Sheet “%(name)s” ignored: its columns are not those of a template.")
                % {"name": name}
            )
        return
    (complete, _count), sheet, header_index, found = best
    if not complete:
        missing = [
            str(column.label) for column in sheet.required if column.key not in found.values()
        ]
        raise UnreadableFile(
            _("The sheet “%(name)s” lacks the required columns: %(columns)s.")
            % {"name": name if not csv_file else str(sheet.label), "columns": ", ".join(missing)}
        )
    header = head[header_index]
    unknown = [
        str(cell)[:40]
        for index, cell in enumerate(header)
        if index not in found and not _empty(cell)
    ]
    label = str(sheet.label) if csv_file else name
    if unknown:
        parsed.notes.append(
            _("Sheet “%(name)s”: columns not read: %(columns)s.")
            % {"name": label, "columns": ", ".join(unknown)}
        )
    rows = []
    number = header_index + 1
    for row in [*head[header_index + 1 :], *table]:
        number += 1
        if all(_empty(cell) for cell in row):
            continue
        rows.append(
            RawRow(number, {key: row[index] for index, key in found.items() if index < len(row)})
        )
        if len(rows) + parsed.row_count > MAX_ROWS:
            break  # one more than allowed: enough to refuse the file
    parsed.sheets.append(RawSheet(sheet, label, rows))


def _empty(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
