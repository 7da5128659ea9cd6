"""A child's events as intake publishes them, for driving consumers in any order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events import Event, make_event

START = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
PHONES = ("+992931234567", "+992931110001", "+992931110002")


def _event(event_type: str, payload: dict[str, Any], at: datetime) -> Event:
    return make_event(
        event_type, payload, producer="intake", correlation_id=payload["child_id"], occurred_at=at
    )


def _updated(child_id: str, changes: dict[str, dict[str, Any]], at: datetime) -> Event:
    fields = [f"{part}.{name}" for part, values in changes.items() for name in values]
    payload = {"child_id": child_id, "changes": changes, "changed_fields": fields}
    return _event("child.updated", payload, at)


def child_story(child_id: str | None = None, start: datetime = START) -> list[Event]:
    """Registration, two phone corrections, then a new district, name and urgency; in order."""
    child_id = child_id or str(uuid.uuid4())
    at = [start + timedelta(minutes=minutes) for minutes in (0, 5, 10, 15)]
    registered = {
        "child_id": child_id,
        "child": {"given_name": "Фарзона", "family_name": "Раҳимова", "sex": "female",
                  "date_of_birth": "2023-04-12", "district_code": "rudaki",
                  "village": "Гулистон"},
        "guardian": {"name": "Гулнора Раҳимова", "relationship": "mother",
                     "phone": PHONES[0], "language": "tg", "sms_consent": True},
        "consent": {"data_sharing": True, "given_by": "mother"},
        "screening": {"concerns": ["walking"], "urgent": False},
        "registered_by": {"sub": "phw-1", "role": "phw"},
        "registered_at": at[0].isoformat(),
    }  # fmt: skip
    return [
        _event("child.registered", registered, at[0]),
        _updated(child_id, {"guardian": {"phone": PHONES[1]}}, at[1]),
        _updated(child_id, {"guardian": {"phone": PHONES[2], "language": "ru"}}, at[2]),
        _updated(
            child_id,
            {
                "child": {"district_code": "vahdat", "given_name": "Фарзона"},
                "screening": {"urgent": True},
            },
            at[3],
        ),  # fmt: skip
    ]


def shuffled(events: list[Event], order: list[int]) -> list[Event]:
    """The events in the given order of their indexes."""
    return [events[i] for i in order]


def corrected(child_id: str, changes: dict[str, Any], at: datetime) -> Event:
    """A correction of registration facts (sex, date of birth, district) as intake sends it."""
    return _event("child.corrected", {"child_id": child_id, "changes": changes}, at)


def corrections_story(child_id: str | None = None, start: datetime = START) -> list[Event]:
    """Registration, then two corrections of the district and one of the birth date; in order."""
    registered = child_story(child_id, start)[0]
    child_id = registered.payload["child_id"]
    return [
        registered,
        corrected(child_id, {"district_code": "vahdat"}, start + timedelta(minutes=5)),
        corrected(child_id, {"date_of_birth": "2020-04-12"}, start + timedelta(minutes=6)),
        corrected(child_id, {"district_code": "hisor"}, start + timedelta(minutes=10)),
    ]
