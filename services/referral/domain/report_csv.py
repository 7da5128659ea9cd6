"""Render the ministry summary as one tidy CSV table a spreadsheet can pivot."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

HEADER = ("section", "subject", "metric", "value")
# Spreadsheets run a cell starting with these as a formula; provider names come from users.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Row = tuple[str, str, str, object]


def render_csv(summary: dict) -> str:
    """Return the summary as CSV text: one figure per line, with a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for section, subject, metric, value in summary_rows(summary):
        writer.writerow((_cell(section), _cell(subject), _cell(metric), _value(value)))
    return buffer.getvalue()


def summary_rows(summary: dict) -> Iterator[Row]:
    """Yield (section, subject, metric, value) for every figure of the summary."""
    yield from _referral_rows(summary["referrals"])
    yield from _provider_rows(summary["providers"])
    for stage, days in summary["median_days"].items():
        yield ("median_days", stage, "days", days)
    deadline = summary["answered_within_deadline"]
    for metric in ("due", "in_time", "share"):
        yield ("answered_within_deadline", "all", metric, deadline[metric])
    for row in summary["waiting_list"]:
        yield ("waiting_list", row["district_code"], "children", row["children"])
        yield ("waiting_list", row["district_code"], "median_wait_days", row["median_wait_days"])
    for gap in summary["coverage_gaps"]:
        subject = f"{gap['district_code']}/{gap['service_type']}"
        yield ("coverage_gap", subject, "children_waiting", gap["children_waiting"])


def _referral_rows(referrals: dict) -> Iterator[Row]:
    yield ("referrals", "all", "total", referrals["total"])
    for status, count in referrals["by_status"].items():
        yield ("referrals", "all", status, count)
    for kind, figures in referrals["by_service_type"].items():
        yield ("referrals", kind, "total", figures["total"])
        for status, count in figures["by_status"].items():
            yield ("referrals", kind, status, count)


def _provider_rows(providers: list[dict]) -> Iterator[Row]:
    for row in providers:
        subject = f"{row['name']} ({row['provider_id']})"
        for metric in ("referrals", "accepted", "declined", "expired"):
            yield ("provider", subject, metric, row[metric])
        yield ("provider", subject, "acceptance_rate", row["acceptance_rate"])
        yield ("provider", subject, "decline_rate", row["decline_rate"])
        if "compliance_score" in row:
            yield ("provider", subject, "compliance_score", row["compliance_score"])
        for reason, count in row["decline_reasons"].items():
            yield ("provider", subject, f"declined:{reason}", count)


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _value(value: object) -> object:
    if value is None:
        return ""
    return _cell(value) if isinstance(value, str) else value
