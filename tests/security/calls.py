"""Calling a service's operations as a chosen user, aimed at chosen records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.localtime import local_day
from tests.security.expectations import (
    GATEWAY_OPERATIONS,
    ROLE_TABLE,
    UNSCOPED_ROLES,
    body_for,
    query_for,
)
from tests.security.operations import Operation, operations, user_operations
from tests.security.people import HOME, World
from tests.security.stack import RECEIPT_SECRET, SERVICES, Stack

__all__ = ["SERVICES"]


def refs(world: World, scope: str, operation: Operation | None = None) -> dict[str, Any]:
    """The records a request in or out of the rudaki users' scope names."""
    person = world["M"] if scope == "in" else world["C"]
    if scope == "in" and operation and operation.key.endswith("/withdraw-consent"):
        person = world["W"]  # its own child, so no other test loses M's data
    if operation and "/care-plan" in operation.key:
        # Services running with a care plan: K's at P (in scope), C's at Q (out of scope).
        person = world["K"] if scope == "in" else world["C"]
    quality = world.quality.get("P" if scope == "in" else "Q", {})
    return {
        "person": person,
        "child": person.child_id,
        "assessment": person.assessment_id,
        "referral": person.referral_ids[-1] if person.referral_ids else None,
        "notification": person.notification_ids[0] if person.notification_ids else None,
        "provider": world.providers["P" if scope == "in" else "Q"],
        "district": person.district,
        "phone": person.phone,
        "future_day": (local_day(datetime.now(UTC)) + timedelta(days=14)).isoformat(),
        "standard": world.quality.get("standard"),
        "inspection": quality.get("inspection"),
        "action": quality.get("action"),
        "contract": quality.get("contract"),
    }


def expected(service: str, operation: Operation, role: str) -> str | None:
    """allow, deny, either (the contract leaves it open) or None (not in the role table)."""
    rule = ROLE_TABLE[service].get(operation.key)
    if rule is None:
        return None
    if role in rule["allow"]:
        return "allow"
    return "deny" if role in rule["deny"] else "either"


def headers_for(stack: Stack, world: World, role: str) -> dict[str, str]:
    """A token of the role: rudaki staff or inspector, provider P's user, an admin or a partner."""
    if role == "provider":
        return stack.tokens.header("provider", provider_id=world.providers["P"])
    return stack.tokens.header(role, () if role in UNSCOPED_ROLES else (HOME,))


def send(stack: Stack, operation: Operation, ref: dict[str, Any], headers: dict) -> Any:
    """Call an operation with a valid body and query aimed at the records in ref."""
    query = {p: v for p in operation.query if (v := query_for(p, ref)) is not None}
    kwargs: dict[str, Any] = {"headers": headers}
    body = body_for(operation.key, ref, local_day(datetime.now(UTC)).isoformat())
    if operation.has_body or body is not None:
        kwargs["json"] = body if body is not None else {}
    return stack.call(operation.service, operation.method, operation.url(ref, query), **kwargs)


PROBE_ORDER = ("case_manager", "admin", "phw", "sah_worker", "provider", "inspector", "partner")
_probed: dict[tuple[str, str], str] = {}


def allowed_role(service: str, operation: Operation, stack: Stack, world: World) -> str:
    """The first role the role table lets through, else the first one the service lets in."""
    # Operations outside the table are probed once, with a body no schema accepts.
    rule = ROLE_TABLE[service].get(operation.key)
    if rule and rule["allow"]:
        return rule["allow"][0]
    key = (service, operation.key)
    if key not in _probed:
        _probed[key] = PROBE_ORDER[0]
        for role in PROBE_ORDER:
            url = operation.url(refs(world, "in", operation))
            kwargs = {"json": {"__probe__": True}} if operation.has_body else {}
            response = stack.call(
                service, operation.method, url, headers=headers_for(stack, world, role), **kwargs
            )
            if response.status_code not in (401, 403):
                _probed[key] = role
                break
    return _probed[key]


def caller_headers(stack: Stack, world: World, service: str, operation: Operation) -> dict:
    """What a legitimate caller sends: the gateway's secret, or a token of a role let in."""
    if operation.key in GATEWAY_OPERATIONS:
        return {"X-Gateway-Secret": RECEIPT_SECRET}
    return headers_for(stack, world, allowed_role(service, operation, stack, world))


def all_operations(specs: dict, service: str) -> list[Operation]:
    """Every documented operation, the gateway's callbacks included."""
    service_operations(specs, service)  # fails with the reason when the service is not running
    return operations(service, specs[service])


def describe(operation: Operation, who: str, response: Any, problem: str) -> str:
    """One line naming the request, the answer and what was wrong with it."""
    body = response.get_data(as_text=True)[:200].replace("\n", " ")
    return f"{operation.key} as {who}: {response.status_code} — {problem} — {body}"


def service_operations(specs: dict, service: str) -> list[Operation]:
    """The operations users call, reads first."""
    if service not in specs:
        pytest.fail(f"{service} is not running, so its document cannot be read")
    ops = user_operations(service, specs[service])
    assert ops, f"{service} documents no operation for its users"
    # Reads first, withdrawals of consent last: a change never hides what a read would show.
    return sorted(ops, key=lambda op: (op.mutates, op.key.endswith("withdraw-consent"), op.key))
