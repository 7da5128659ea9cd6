"""Tables as the files people download: CSV (UTF-8 with a byte-order mark) and XLSX.

The one writer of both formats for every service and the portal. Cells are made safe on the way
out: names and other text come from users, and a spreadsheet runs a cell starting with `=`, `+`,
`-`, `@`, a tab or a carriage return as a formula ("CSV injection"), so such text is written with
an apostrophe in front and shows as the text it is. Numbers stay numbers; `None` is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    """One table: a name (the sheet's title), a header row and rows of plain values."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]


def safe_cell(value: object) -> object:
    """The value as a spreadsheet may hold it: text that would run as a formula is defused."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(sheet: Sheet) -> bytes:
    """One table as CSV in UTF-8 with a byte-order mark, so Excel reads Cyrillic right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(name) for name in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def tables_to_csv(sheets: Sequence[Sheet]) -> bytes:
    """Several tables in one CSV: a `table` column first, an empty line after each table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for sheet in sheets:
        writer.writerow(["table", *(_csv_cell(name) for name in sheet.header)])
        for row in sheet.rows:
            writer.writerow([_csv_cell(sheet.name), *(_csv_cell(value) for value in row)])
        writer.writerow(())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The tables as the sheets of one workbook, each with a bold, frozen header row."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(_sheet_title(sheet.name))
        page.append([_xlsx_cell(name) for name in sheet.header])
        for row in sheet.rows:
            page.append([_xlsx_cell(value) for value in row])
        for cell in page[1]:
            cell.font = Font(bold=True)
        page.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    return "" if value is None else safe_cell(value)


def _xlsx_cell(value: object) -> object:
    if isinstance(value, str):
        # XML cannot carry most control characters; openpyxl refuses them rather than drop them.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _sheet_title(name: str) -> str:
    # Excel allows 31 characters and none of these in a sheet's title.
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
