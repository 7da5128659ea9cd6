"""The report of every stage as one wide table, one row per district, for CSV and Excel."""

from __future__ import annotations

from collections.abc import Iterator

from shared.districts import get_district
from shared.spreadsheets import Sheet

from .stages import STAGE_NAMES, STEPS

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


def stage_sheet(summary: dict) -> Sheet:
    """The table as the one sheet of the CSV and Excel downloads."""
    return Sheet("stages", HEADER, list(table_rows(summary)))
