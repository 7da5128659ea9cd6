"""Every table of the dashboard as CSV (UTF-8 with a byte-order mark, for Excel) or XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort

from services.portal.web.dashboard_data import TABLES, Table, gather, read_filters, tables
from services.portal.web.guards import roles_required

bp = Blueprint("dashboard_downloads", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheets run a cell starting with these as a formula; names come from users.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as typed: text that would start a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def as_csv(table: Table) -> bytes:
    """The table as CSV text in UTF-8 with a BOM, so Excel reads Cyrillic right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in table.headers])
    writer.writerows([safe_cell(v) for v in row] for row in table.rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook of one sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append([safe_cell(v) for v in table.headers])
    for row in table.rows:
        sheet.append([None if v is None else safe_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@bp.get("/dashboard/<name>.<fmt>")
@roles_required("admin", "case_manager")
def download(name: str, fmt: str):  # noqa: ANN201
    """One table of the dashboard, with the page's filters and language."""
    if name not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    chosen, errors = read_filters()
    if errors:
        abort(400)
    table = tables(gather(chosen, with_months=name == "months"))[name]
    filename = f"{name}-{date.today().isoformat()}.{fmt}"
    body, mime = (as_csv(table), "text/csv; charset=utf-8") if fmt == "csv" else (
        as_xlsx(table), XLSX)  # fmt: skip
    return Response(
        body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
