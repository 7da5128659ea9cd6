"""Helpers of the quality integration tests."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

PROVIDER_ID = "6f1c1a52-8a8e-4d7e-9a53-0c6e2f6b1a01"
CRITERIA = [
    {"code": "DC1", "text": "Individual plan within 30 days", "indicators": ["Signed plans"]},
    {"code": "DC2", "text": "Staff trained", "indicators": ["Training records"]},
]


def admin(h) -> dict[str, str]:
    return h.auth("admin", sub="ministry-1")


def inspector(h) -> dict[str, str]:
    return h.auth("inspector", sub="inspector-1")


def publish(h, effective_from: str, criteria=None, kind: str = "day_care") -> dict[str, Any]:
    body = {"service_type": kind, "title": "Day care", "effective_from": effective_from,
            "criteria": criteria or CRITERIA}  # fmt: skip
    response = h.client.post("/standards", json=body, headers=admin(h))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def inspect(h, on: str, ratings: dict[str, str], actions=(), provider_id: str = PROVIDER_ID):
    findings = [{"criterion": c, "rating": r, "evidence": "seen on the visit"}
                for c, r in ratings.items()]  # fmt: skip
    body = {"provider_id": provider_id, "service_type": "day_care", "inspected_on": on,
            "findings": findings, "required_actions": list(actions)}  # fmt: skip
    return h.client.post("/inspections", json=body, headers=inspector(h))


def outbox(h, event_type: str) -> list[dict[str, Any]]:
    table = h.runtime.tables.outbox
    query = select(table.c.body).order_by(table.c.created_at, table.c.id)
    with h.runtime.db.session() as session:
        events = [json.loads(body) for body in session.execute(query).scalars()]
    return [e for e in events if e["type"] == event_type]
