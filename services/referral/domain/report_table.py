"""The report of every stage as one wide table, one row per district, for CSV and Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook

from shared.districts import get_district

from .report_csv import FORMULA_PREFIXES
from .stages import STAGE_NAMES, STEPS

BOM = "\ufeff"
WAIT_COLUMNS = ("waiting_for_assessment_median_days", "waiting_for_assessment_longest_days")
HEADER = (
    "district_code", "region_code", "district_name_tg", "district_name_ru", "district_name_en",
    *STAGE_NAMES, *WAIT_COLUMNS, *(f"median_days_{name}" for name, _, _ in STEPS),
)  # fmt: skip


def table_rows(summary: dict) -> Iterator[tuple]:
    """Yield one tuple per district, in HEADER's order."""
    for entry in summary["districts"]:
        district = get_district(entry["district_code"])
        names = (district.name_tg, district.name_ru, district.name_en) if district else ("",) * 3
        waits = entry["waiting_for_assessment_days"]
        steps = entry["median_days_between_stages"]
        yield (
            entry["district_code"], entry["region_code"], *names,
            *(entry["stages"][name] for name in STAGE_NAMES),
            waits["median"], waits["longest"], *(steps[name] for name, _, _ in STEPS),
        )  # fmt: skip


def render_stage_csv(summary: dict) -> bytes:
    """Return the table as UTF-8 CSV with a byte-order mark, so Excel reads the Cyrillic."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in table_rows(summary):
        writer.writerow(tuple(_cell(value) for value in row))
    return (BOM + buffer.getvalue()).encode("utf-8")


def render_stage_xlsx(summary: dict) -> bytes:
    """Return the table as an Excel workbook (one sheet, a frozen header row)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "stages"
    sheet.append(HEADER)
    for row in table_rows(summary):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value
