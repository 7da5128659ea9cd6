"""The form of a standard's new version: criteria rows into the API's body, refusals back.

Fields: `service_type`, `title`, `effective_from`, `rows` (how many criterion rows the page
showed), and per row `criteria.<row>.code|text|indicators` (indicators one per line). A row
left wholly empty drops that criterion from the new version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.portal.domain.dates import parse_date

MAX_ROWS = 200
CODE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
ROW_FIELDS = ("code", "text", "indicators")


@dataclass(frozen=True)
class Texts:
    """The messages of the page's language."""

    kind: str
    title: str
    date: str
    code: str
    text: str
    repeated: str
    none: str


def rows_of(form: Mapping[str, str]) -> int:
    """How many criterion rows the page showed."""
    text = (form.get("rows") or "").strip()
    return min(int(text), MAX_ROWS) if text.isdigit() else 0


def filled(form: Mapping[str, str]) -> list[int]:
    """The criterion rows with anything written in them."""
    return [
        row
        for row in range(rows_of(form))
        if any((form.get(f"criteria.{row}.{n}") or "").strip() for n in ROW_FIELDS)
    ]


def read_form(
    form: Mapping[str, str], service_types: tuple[str, ...], say: Texts
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The API body and the errors found on the page."""
    errors: dict[str, list[str]] = {}
    if form.get("service_type") not in service_types:
        errors["service_type"] = [say.kind]
    title = (form.get("title") or "").strip()
    if not title:
        errors["title"] = [say.title]
    day = parse_date(form.get("effective_from") or "")
    if day is None:
        errors["effective_from"] = [say.date]
    criteria, seen = [], set()
    for row in filled(form):
        code = (form.get(f"criteria.{row}.code") or "").strip()
        text = (form.get(f"criteria.{row}.text") or "").strip()
        lines = (form.get(f"criteria.{row}.indicators") or "").splitlines()
        if not CODE.match(code):
            errors[f"criteria.{row}.code"] = [say.code]
        elif code in seen:
            errors[f"criteria.{row}.code"] = [say.repeated]
        seen.add(code)
        if not text:
            errors[f"criteria.{row}.text"] = [say.text]
        indicators = [line.strip() for line in lines if line.strip()]
        criteria.append({"code": code, "text": text, "indicators": indicators})
    if not criteria:
        errors["criteria"] = [say.none]
    body = {
        "service_type": form.get("service_type", ""),
        "title": title,
        "effective_from": day.isoformat() if day else "",
        "criteria": criteria,
    }
    return body, errors


def api_fields_onto_form(
    errors: Mapping[str, list[str]], form: Mapping[str, str]
) -> dict[str, list[str]]:
    """criteria.<i>.<field> of the body renamed to the row the page showed it in."""
    rows = filled(form)
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        parts = path.split(".")
        name = path if parts[0] in ("service_type", "title", "effective_from") else "_form"
        if parts[0] == "criteria":
            name = "criteria"
            if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
                field = parts[2] if parts[2] in ROW_FIELDS else "indicators"
                name = f"criteria.{rows[int(parts[1])]}.{field}"
        out.setdefault(name, []).extend(messages)
    return out
