"""The one CSV and XLSX writer: injected formulas come out inert, numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from shared.spreadsheets import Sheet, tables_to_csv, to_csv, to_xlsx

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
HEADER = ("name", "children", "share")


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


@pytest.mark.parametrize("text", INJECTIONS)
def test_an_injected_formula_is_inert_in_csv(text):
    header, row = read_csv(to_csv(Sheet("t", HEADER, [(text, 3, 0.5)])))
    assert header == list(HEADER)
    assert row == ["'" + text, "3", "0.5"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_an_injected_formula_is_inert_in_xlsx(text):
    data = to_xlsx([Sheet("t", HEADER, [(text, 3, 0.5)])])
    book = load_workbook(io.BytesIO(data))
    cell = book["t"]["A2"]
    # XML reads a carriage return back as a line feed; the apostrophe in front is what counts.
    assert cell.data_type == "s" and cell.value == "'" + text.replace("\r", "\n")
    assert not any(c.data_type == "f" for row in book["t"].iter_rows() for c in row)


def test_numbers_stay_numbers_and_none_is_empty():
    rows = [("a", 7, 0.25), ("b", None, -1)]
    sheets = read_xlsx(to_xlsx([Sheet("figures", HEADER, rows)]))
    assert sheets["figures"] == [HEADER, ("a", 7, 0.25), ("b", None, -1)]
    assert read_csv(to_csv(Sheet("figures", HEADER, rows)))[1:] == [
        ["a", "7", "0.25"],
        ["b", "", "-1"],
    ]


def test_tajik_and_russian_text_round_trips():
    rows = [("Маркази Рӯдакӣ", 1, 1.0), ("Худжанд — центр «Ҳамроҳ»", 2, 0.5)]
    sheet = Sheet("Ноҳияҳо", ("Провайдер", "Кӯдакон", "Доля"), rows)
    assert read_csv(to_csv(sheet)) == [
        list(sheet.header),
        *[[n, str(c), str(s)] for n, c, s in rows],
    ]
    assert read_xlsx(to_xlsx([sheet]))["Ноҳияҳо"] == [tuple(sheet.header), *rows]


def test_several_tables_are_one_csv_with_a_table_column_and_several_sheets():
    first = Sheet("funded", ("provider",), [("=cmd",)])
    second = Sheet("gaps", ("district", "waiting"), [("rudaki", 3)])
    assert read_csv(tables_to_csv([first, second])) == [
        ["table", "provider"], ["funded", "'=cmd"], [],
        ["table", "district", "waiting"], ["gaps", "rudaki", "3"], [],
    ]  # fmt: skip
    assert read_xlsx(to_xlsx([first, second])) == {
        "funded": [("provider",), ("'=cmd",)],
        "gaps": [("district", "waiting"), ("rudaki", 3)],
    }


def test_sheet_titles_excel_refuses_are_made_acceptable():
    data = to_xlsx([Sheet("Referrals by month: 2026/01 [all]", ("a",), [])])
    (name,) = read_xlsx(data)
    assert name == "Referrals by month_ 2026_01 _al"
