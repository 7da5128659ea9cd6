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
# A text cell starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """A text that would start a formula, quoted so it stays text; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(table: Table) -> bytes:
    """The table as CSV text in UTF-8 with a BOM, so Excel reads Cyrillic right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in table.headers])
    writer.writerows(["" if v is None else safe_text(v) for v in row] for row in table.rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook of one sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    for row in [table.headers, *table.rows]:
        sheet.append(list(row))
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # kept as the text it is, never evaluated
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
