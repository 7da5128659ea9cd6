"""Every table of the dashboard as CSV (UTF-8 with a byte-order mark, for Excel) or XLSX."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort

from services.portal.web.dashboard_data import TABLES, Table, gather, read_filters, tables
from services.portal.web.guards import roles_required
from shared.localtime import local_day
from shared.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, Sheet, to_csv, to_xlsx

bp = Blueprint("dashboard_downloads", __name__)


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
    return table_download(table, fmt, f"{name}-{local_day(datetime.now(UTC)).isoformat()}.{fmt}")


def table_download(table: Table, fmt: str, filename: str) -> Response:
    """A page's table as a CSV or XLSX attachment (formula-safe cells, see shared.spreadsheets)."""
    sheet = Sheet(table.title, table.headers, table.rows)
    body, mime = (
        (to_csv(sheet), CSV_MIMETYPE) if fmt == "csv" else (to_xlsx([sheet]), XLSX_MIMETYPE)
    )
    return Response(
        body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
