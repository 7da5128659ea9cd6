"""The summary as CSV: every figure on its own line, safe to open in a spreadsheet."""

import csv
import io

from services.referral.domain.report_csv import render_csv
from services.referral.domain.reports import summarise

from .report_data import JOURNEYS, NOW, PROVIDERS, REFERRALS, WAITING


def rows_of(text):
    return list(csv.reader(io.StringIO(text)))


def figures(text):
    return {(s, subject, m): v for s, subject, m, v in rows_of(text)[1:]}


def test_header_and_key_figures():
    text = render_csv(summarise(REFERRALS, JOURNEYS, WAITING, PROVIDERS, NOW))
    assert rows_of(text)[0] == ["section", "subject", "metric", "value"]
    got = figures(text)
    assert got[("referrals", "all", "total")] == "8"
    assert got[("referrals", "day_care", "declined")] == "2"
    assert got[("provider", "Chashma (p1)", "acceptance_rate")] == "0.333"
    assert got[("provider", "Chashma (p1)", "declined:no_capacity")] == "1"
    assert got[("median_days", "registration_to_acceptance", "days")] == "8.0"
    assert got[("answered_within_deadline", "all", "share")] == "0.5"
    assert got[("waiting_list", "rudaki", "median_wait_days")] == "10.0"
    assert got[("coverage_gap", "murghob/day_care", "children_waiting")] == "1"


def test_missing_figures_are_empty_cells():
    got = figures(render_csv(summarise([], [], [], [], NOW)))
    assert got[("answered_within_deadline", "all", "share")] == ""
    assert got[("median_days", "referral_to_acceptance", "days")] == ""


def test_names_that_look_like_formulas_are_defused():
    summary = summarise(REFERRALS, JOURNEYS, WAITING, PROVIDERS, NOW)
    summary["providers"][0]["name"] = '=HYPERLINK("http://x","y")'
    subjects = {subject for _, subject, _, _ in rows_of(render_csv(summary))}
    assert any(s.startswith("'=HYPERLINK") for s in subjects)
    assert not any(s.startswith("=") for s in subjects)


def test_lines_end_with_crlf_as_rfc_4180_says():
    text = render_csv(summarise([], [], [], [], NOW))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
