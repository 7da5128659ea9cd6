"""Building and delivering intake's events, and reading the worklist, for these tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared.events import Event, make_event
from shared.messaging.publisher import Outgoing, Publisher
from shared.messaging.topology import topology_for
from shared.testing import wait_for

# The contract's example answers for a child aged 2-4, seeing asked without glasses (CF3).
ANSWERS_2_4 = {"CF1": 2, "CF3": 1, "CF4": 2, "CF6": 1, "CF7": 2, "CF10": 3, "CF11": 1,
               "CF12": 1, "CF13": 1, "CF14": 1, "CF15": 1, "CF16": 2}  # fmt: skip
FAMILY = {"caregiver_at_home": True, "travel_minutes_to_day_care": 40, "protection_concern": False}


def registered(
    registered_at: datetime,
    *,
    child_id: str | None = None,
    district: str = "rudaki",
    born: str = "2023-04-12",
    urgent: bool = False,
    concerns: tuple[str, ...] = ("walking", "communication"),
) -> Event:
    """Return a child.registered event as intake publishes it."""
    child_id = child_id or str(uuid.uuid4())
    payload = {
        "child_id": child_id,
        "child": {"given_name": "Фарзона", "family_name": "Раҳимова", "sex": "female",
                  "date_of_birth": born, "district_code": district, "village": "Гулистон"},
        "guardian": {"name": "Гулнора Раҳимова", "relationship": "mother",
                     "phone": "+992931234567", "language": "tg", "sms_consent": True},
        "consent": {"data_sharing": True, "given_by": "mother"},
        "screening": {"concerns": list(concerns), "urgent": urgent},
        "registered_by": {"sub": "phw-1", "role": "phw"},
        "registered_at": registered_at.isoformat(),
    }  # fmt: skip
    return make_event("child.registered", payload, producer="intake", correlation_id=child_id)


def intake_event(event_type: str, payload: dict[str, Any]) -> Event:
    """Return another intake event about a child."""
    return make_event(event_type, payload, producer="intake", correlation_id=payload["child_id"])


def publish(harness: Any, *events: Event) -> None:
    """Publish events on the harness's broker, as intake's relay does."""
    topology = topology_for(harness.runtime.settings)
    publisher = Publisher(harness.runtime.settings.broker_url, topology=topology)
    try:
        confirmed = publisher.publish(
            [
                Outgoing(
                    body=e.to_json(),
                    exchange=topology.events,
                    routing_key=e.type,
                    message_id=e.id,
                    headers={"event_type": e.type},
                    correlation_id=e.correlation_id,
                )
                for e in events
            ]
        )
        assert len(confirmed) == len(events)
    finally:
        publisher.close()


def worklist(harness: Any, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    """Return one page of the worklist (asserting it answered 200)."""
    response = harness.client.get(f"/assessments{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def wait_for_assessment(harness: Any, child_id: str, headers: dict[str, str]) -> dict[str, Any]:
    """Wait until the child's assessment is on the worklist and return it."""
    return wait_for(
        lambda: next(iter(worklist(harness, headers, f"?child_id={child_id}")["items"]), None),
        timeout=20,
        message=f"the assessment of {child_id}",
    )
