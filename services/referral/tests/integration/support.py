"""Helpers of the referral integration tests: feed events, call the API, read the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from services.referral.handlers import HANDLERS
from shared.events import make_event
from shared.handling import handle_once
from shared.testing import FakeClock

PROVIDER = {
    "name": "Day-care centre, Rudaki",
    "organisation": "NGO Chashma",
    "service_types": ["day_care"],
    "districts_served": ["rudaki", "vahdat"],
    "district_code": "rudaki",
    "address": "Somoniyon, Istiqlol street 9",
    "phone": "93 902 11 44",
    "places": 2,
    "min_age": 2,
    "max_age": 17,
    "languages": ["tg", "ru"],
    "accredited": True,
    "active": True,
    "latitude": 38.46,
    "longitude": 68.80,
}


def make_referral_service(service_harness, backend: str = "real", clock=None, env=None):
    """Build the referral service on a migrated database with a hand-moved clock."""
    return service_harness(
        "referral",
        backend=backend,
        clock=clock or FakeClock(),
        env=env,
    )


def feed(h, event_type: str, payload: dict[str, Any], producer: str = "intake") -> None:
    """Hand one event to the service's handlers, as the consumer would."""
    event = make_event(
        event_type,
        payload,
        producer=producer,
        correlation_id=payload["child_id"],
        occurred_at=h.runtime.now(),
    )
    handle_once(h.runtime, HANDLERS, event)


def register_child(
    h,
    district: str = "rudaki",
    born: str = "2021-03-01",
    consent: bool = True,
    language: str = "tg",
) -> str:
    """Tell the service a child was registered; return the child's id."""
    child_id = str(uuid.uuid4())
    feed(h, "child.registered", {
        "child_id": child_id,
        "child": {"given_name": "Фарзона", "family_name": "Раҳимова", "sex": "female",
                  "date_of_birth": born, "district_code": district},
        "guardian": {"name": "Гулнора Раҳимова", "relationship": "mother",
                     "phone": "+992931234567", "language": language, "sms_consent": True},
        "consent": {"data_sharing": consent},
        "screening": {"concerns": ["walking"], "urgent": False},
        "registered_by": {"sub": "phw-1", "role": "phw"},
        "registered_at": h.runtime.now().isoformat(),
    })  # fmt: skip
    return child_id


def assess(h, child_id: str, kinds=("day_care",), priority: str = "high") -> None:
    """Tell the service the child's assessment recommended these service types."""
    feed(h, "assessment.completed", {
        "assessment_id": str(uuid.uuid4()), "child_id": child_id, "age_group": "5_17",
        "domains": {"walking": {"difficulty": True}}, "functional_difficulty": True,
        "priority": priority, "recommended_service_types": list(kinds),
    }, producer="assessment")  # fmt: skip


def admin(h) -> dict[str, str]:
    return h.auth("admin", sub="admin-1")


def case_manager(h, districts=("rudaki",)) -> dict[str, str]:
    return h.auth("case_manager", list(districts), sub="cm-1")


def provider_user(h, provider_id: str) -> dict[str, str]:
    return h.auth("provider", provider_id=provider_id, sub=f"staff-{provider_id[:6]}")


def add_provider(h, **changes: Any) -> dict[str, Any]:
    """Create a provider through the API (as admin) and return it."""
    response = h.client.post("/providers", json={**PROVIDER, **changes}, headers=admin(h))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def refer(h, child_id: str, provider_id: str, kind: str = "day_care", districts=("rudaki",)):
    """POST /referrals as the district's case manager; return the response."""
    body = {"child_id": child_id, "provider_id": provider_id, "service_type": kind}
    return h.client.post("/referrals", json=body, headers=case_manager(h, districts))


def act(h, referral_id: str, action: str, body: dict | None, headers: dict[str, str]):
    """POST /referrals/{id}/{action}."""
    return h.client.post(f"/referrals/{referral_id}/{action}", json=body or {}, headers=headers)


def full_centre(h, served: str, start: str = "2026-12-20") -> tuple[dict, dict, dict]:
    """A one-place centre whose place the assessed child `served` has taken from `start`:
    the centre, its staff's headers and the accepted referral."""
    centre = add_provider(h, name="Rudaki centre", places=1)
    staff = provider_user(h, centre["id"])
    taken = refer(h, served, centre["id"]).get_json()
    response = act(h, taken["id"], "accept", {"start_date": start}, staff)
    assert response.status_code == 200, response.get_json()
    return centre, staff, taken


def outbox(h, event_type: str | None = None) -> list[dict[str, Any]]:
    """Events the service has emitted (its outbox), oldest first."""
    table = h.runtime.tables.outbox
    query = select(table.c.body).order_by(table.c.created_at, table.c.id)
    with h.runtime.db.session() as session:
        events = [json.loads(body) for body in session.execute(query).scalars()]
    return [e for e in events if event_type is None or e["type"] == event_type]


def iso(value: str) -> datetime:
    return datetime.fromisoformat(value)
