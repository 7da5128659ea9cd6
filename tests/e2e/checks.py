"""What every journey checks: the child's events, the family's SMS, the absence of personal data."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from shared.testing import EventTap, wait_for
from tests.e2e.steps import Family, Users

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "notifications" / "templates"


def events_of(tap: EventTap, child_id: str) -> list[dict[str, Any]]:
    """Return every event that names the child, by payload or by correlation."""
    return [
        e
        for e in tap.events
        if (e.get("payload") or {}).get("child_id") == child_id
        or e.get("correlation_id") == child_id
    ]


def assert_correlated(tap: EventTap, child_id: str, expected: list[str]) -> list[dict]:
    """Wait for the expected event types, then check each of the child's events is correlated."""

    def arrived() -> list[dict] | None:
        events = events_of(tap, child_id)
        types = [e["type"] for e in events]
        return events if all(types.count(t) >= expected.count(t) for t in set(expected)) else None

    events = wait_for(arrived, 60, interval=0.2, message=f"events {expected} of {child_id}")
    for event in events:
        assert event["correlation_id"] == child_id, event
        assert (event.get("payload") or {}).get("child_id") in (child_id, None), event
    return events


def assert_each_sms_once(users: Users, family: Family) -> list[dict]:
    """Check no event of the child made two SMS records, nor reached the gateway twice."""
    items = users.notifications(family)
    keys = [(n["event_id"], n["recipient"]) for n in items]
    assert len(keys) == len(set(keys)), f"an event made two SMS: {keys}"
    texts = users.chain.sms_to(family.phone)
    assert len(texts) == len(set(texts)), f"the family got an SMS twice: {texts}"
    return items


def family_sms(users: Users, family: Family) -> dict[str, dict]:
    """Return the family's SMS records by the event that caused them."""
    items = users.notifications(family)
    return {n["event_type"]: n for n in items if n["recipient"] == "guardian"}


@cache
def _templates(language: str) -> dict[str, list[str]]:
    """Return each template of a language as its fixed words (the text between placeholders)."""
    texts = json.loads((TEMPLATES / f"{language}.json").read_text(encoding="utf-8"))
    return {
        name: [part.strip() for part in re.split(r"\{[^}]*\}", text) if part.strip()]
        for name, text in texts.items()
    }


def template_of(text: str, language: str) -> str | None:
    """Return the name of the language's template an SMS text was written from, if any."""
    for name, parts in _templates(language).items():
        if all(part in text for part in parts):
            return name
    return None


def assert_templates(texts: list[str], language: str, expected: list[str]) -> None:
    """Check the SMS texts, in order, were written from these templates of the language."""
    assert [template_of(text, language) for text in texts] == expected, texts


def personal_data(family: Family) -> list[str]:
    """Return the strings that identify the child or the guardian."""
    body = family.body
    national = family.phone.removeprefix("+992")
    return [
        body["child"]["given_name"],
        body["child"]["family_name"],
        body["guardian"]["name"],
        national,
        body["child"]["date_of_birth"],
    ]


def personal_data_in(document: Any, family: Family) -> list[str]:
    """Return the child's or guardian's personal data an API answer still carries."""
    text = json.dumps(document, ensure_ascii=False, default=str)
    return [value for value in personal_data(family) if value and value in text]


def assert_no_personal_data(document: Any, family: Family, where: str) -> None:
    """Check an API answer carries none of the child's or guardian's personal data."""
    found = personal_data_in(document, family)
    assert not found, f"{where} still shows {found}: {document}"
