"""The inspection form: its fields read into the quality API's body, and its refusals mapped back.

Fields: `rating.<code>` and `evidence.<code>` per criterion of the standard in force;
`action_rows` (how many action rows the page showed, ACTION_ROWS at first, one more for each
"add another action") and `action.<row>.criterion|description|due_date` per row (a row left
wholly empty is not an action).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.portal.domain.dates import parse_date
from shared.vocabulary import RATINGS

ACTION_ROWS = 3
MAX_ACTION_ROWS = 100
ACTION_FIELDS = ("criterion", "description", "due_date")


@dataclass(frozen=True)
class Texts:
    """The messages of the page's language."""

    rate: str
    evidence: str
    criterion: str
    description: str
    due_date: str
    due_before: str


def action_rows(form: Mapping[str, str]) -> int:
    """How many action rows the page showed (ACTION_ROWS when it does not say)."""
    text = (form.get("action_rows") or "").strip()
    return min(max(int(text), ACTION_ROWS), MAX_ACTION_ROWS) if text.isdigit() else ACTION_ROWS


def filled_rows(form: Mapping[str, str]) -> list[int]:
    """The action rows with anything written in them."""
    return [
        row
        for row in range(action_rows(form))
        if any((form.get(f"action.{row}.{name}") or "").strip() for name in ACTION_FIELDS)
    ]


def read_form(
    form: Mapping[str, str], standard: dict[str, Any], inspected_on: date, say: Texts
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The API body and the field errors found on the page (nothing is sent with errors)."""
    errors: dict[str, list[str]] = {}
    findings = []
    for criterion in standard["criteria"]:
        code = criterion["code"]
        rating = form.get(f"rating.{code}", "")
        evidence = (form.get(f"evidence.{code}") or "").strip()
        if rating not in RATINGS:
            errors[f"rating.{code}"] = [say.rate]
        if not evidence:
            errors[f"evidence.{code}"] = [say.evidence]
        findings.append({"criterion": code, "rating": rating, "evidence": evidence})
    codes = [c["code"] for c in standard["criteria"]]
    actions = []
    for row in filled_rows(form):
        action, problems = _action(form, row, codes, inspected_on, say)
        errors.update(problems)
        actions.append(action)
    body = {
        "provider_id": form.get("provider_id", ""),
        "service_type": form.get("service_type", ""),
        "inspected_on": inspected_on.isoformat(),
        "findings": findings,
        "required_actions": actions,
    }
    return body, errors


def _action(
    form: Mapping[str, str], row: int, codes: list[str], inspected_on: date, say: Texts
) -> tuple[dict[str, str], dict[str, list[str]]]:
    value = {name: (form.get(f"action.{row}.{name}") or "").strip() for name in ACTION_FIELDS}
    problems: dict[str, list[str]] = {}
    if value["criterion"] not in codes:
        problems[f"action.{row}.criterion"] = [say.criterion]
    if not value["description"]:
        problems[f"action.{row}.description"] = [say.description]
    due = parse_date(value["due_date"])
    if due is None:
        problems[f"action.{row}.due_date"] = [say.due_date]
    elif due < inspected_on:
        problems[f"action.{row}.due_date"] = [say.due_before]
    value["due_date"] = due.isoformat() if due else value["due_date"]
    return value, problems


def api_fields_onto_form(
    errors: Mapping[str, list[str]], form: Mapping[str, str], standard: dict[str, Any]
) -> dict[str, list[str]]:
    """The API's field paths (findings.<i>.evidence, required_actions.<i>.due_date, findings.<code>)
    renamed to the form's fields; what matches no field goes to the form's top."""
    codes = [c["code"] for c in standard["criteria"]]
    rows = filled_rows(form)
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        for name in _form_names(path, codes, rows, form):
            out.setdefault(name, []).extend(messages)
    return out


def _form_names(path: str, codes: list[str], rows: list[int], form: Mapping[str, str]) -> list[str]:
    head, _, rest = path.partition(".")
    if head in ("provider_id", "service_type", "inspected_on") and not rest:
        return [head]
    if head == "findings":
        index, _, name = rest.partition(".")
        if index.isdigit() and int(index) < len(codes):
            return [f"{'evidence' if name == 'evidence' else 'rating'}.{codes[int(index)]}"]
        if index in codes and not name:
            return [f"rating.{index}"]
        if index == "required_actions" and name:
            found = [r for r in rows if form.get(f"action.{r}.criterion") == name]
            return [f"action.{r}.criterion" for r in found] or ["_form"]
    if head == "required_actions":
        index, _, name = rest.partition(".")
        if index.isdigit() and int(index) < len(rows) and name in ACTION_FIELDS:
            return [f"action.{rows[int(index)]}.{name}"]
    return ["_form"]
