"""Tables as files a ministry officer opens: CSV (UTF-8 with a BOM) and XLSX, stdlib only."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Spreadsheets run a cell starting with these as a formula; names come from users.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One sheet: a name, a header and rows of plain values."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def to_csv(tables: Sequence[Table]) -> bytes:
    """All tables in one CSV, a `table` column first, UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in tables:
        writer.writerow(("table", *table.header))
        for row in table.rows:
            writer.writerow((table.name, *(_safe(v) for v in row)))
        writer.writerow(())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: object) -> str:
    if isinstance(value, bool) or value is None or not isinstance(value, (int, float)):
        text = escape(str(_safe(value)))
        return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f"<c><v>{value}</v></c>"


def _sheet(table: Table) -> str:
    rows = [table.header, *table.rows]
    body = "".join(
        f'<row r="{n}">{"".join(_cell(v) for v in row)}</row>' for n, row in enumerate(rows, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """All tables as sheets of one XLSX workbook."""
    n = range(1, len(tables) + 1)
    sheets = "".join(
        f'<sheet name="{escape(t.name[:31])}" sheetId="{i}" r:id="rId{i}"/>'
        for i, t in zip(n, tables, strict=True)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in n
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in n
    )
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f"<sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">{rels}'
            "</Relationships>"
        ),
    }
    files.update({f"xl/worksheets/sheet{i}.xml": _sheet(t) for i, t in zip(n, tables, strict=True)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
