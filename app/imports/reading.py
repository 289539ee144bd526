"""Reading an uploaded spreadsheet into rows of text, with the type and encoding taken from the
content (a file's name says nothing reliable: Excel users rename files, browsers guess types)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from app.exports.cells import unguarded
from app.i18n import gettext

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: several times the largest caseload a centre keeps
XLSX_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"


class Unreadable(Exception):
    """The file is not a spreadsheet we can read; the message is in the reader's language."""


@dataclass
class Sheet:
    kind: str  # "csv" or "xlsx"
    encoding: str  # for a CSV: utf-8-sig, utf-8 or cp932
    rows: list[list[str]]


def too_large_message() -> str:
    return gettext("The file is larger than 20 MB. Split it into smaller files and import each.")


def read_sheet(content: bytes) -> Sheet:
    if len(content) > MAX_BYTES:
        raise Unreadable(too_large_message())
    if not content.strip():
        raise Unreadable(gettext("The file is empty."))
    if content.startswith(XLSX_MAGIC):
        return Sheet("xlsx", "", _xlsx_rows(content))
    encoding, text = _decode(content)
    return Sheet("csv", encoding, _csv_rows(text))


def _decode(content: bytes) -> tuple[str, str]:
    not_a_spreadsheet = gettext("This file is neither a CSV nor an Excel (.xlsx) file.")
    if b"\x00" in content[:4096]:  # binary: a PDF, an image, an old .xls, UTF-16
        raise Unreadable(not_a_spreadsheet)
    if content.startswith(UTF8_BOM):
        try:
            return "utf-8-sig", content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise Unreadable(not_a_spreadsheet) from error
    try:
        return "utf-8", content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # what Japanese Excel writes for "CSV (comma delimited)"
        return "cp932", content.decode("cp932")
    except UnicodeDecodeError as error:
        raise Unreadable(not_a_spreadsheet) from error


def _csv_rows(text: str) -> list[list[str]]:
    try:
        sample = text[:4096]
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel
        if "\t" in sample.splitlines()[0] and "," not in sample.splitlines()[0]:
            dialect = csv.excel_tab
        return [[unguarded(cell).strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as error:
        raise Unreadable(
            gettext("The CSV file could not be read: %(problem)s", problem=str(error))
        ) from error


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a zip that is not a workbook (a .docx) fails in many ways
        raise Unreadable(gettext("This file is neither a CSV nor an Excel (.xlsx) file.")) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unguarded(str(value)).strip()
