"""Every documented operation × every role × in-scope and out-of-scope records (contract §2).

The operations come from each service's /openapi.json; what each role may do comes from the role
table in expectations.py. Each test collects every mismatch of its service and reports them all.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.calls import (
    SERVICES,
    allowed_role,
    describe,
    expected,
    headers_for,
    refs,
    send,
    service_operations,
)
from tests.security.expectations import (
    BODY_SCOPED,
    GATEWAY_OPERATIONS,
    KANNEL_OPERATIONS,
    PROVIDER_SCOPED_RESOURCES,
    ROLE_TABLE,
    ROLES,
    SCOPED_RESOURCES,
    SCOPING_QUERY,
    UNSCOPED_ROLES,
)
from tests.security.operations import Operation, operations
from tests.security.people import HOME
from tests.security.scanning import Markers, body_text, everyone, foreign_markers
from tests.security.stack import RECEIPT_SECRET
from tests.security.tokens import bad_authorizations

pytestmark = pytest.mark.integration


def scope_kind(operation: Operation, role: str) -> str | None:
    """How an operation touches a scoped record: in its path, its body, its filters, or not."""
    if operation.resource in SCOPED_RESOURCES:
        return "path"
    if operation.resource in PROVIDER_SCOPED_RESOURCES:
        # Quality's records are the provider's own; inspectors and staff read every provider's.
        return "path" if role == "provider" else None
    if operation.key in BODY_SCOPED:
        return "body"
    if operation.method == "GET" and SCOPING_QUERY & set(operation.query):
        return "list"
    return None


def in_scope_problem(expectation: str | None, status: int) -> str | None:
    """What is wrong with an answer about an in-scope record, if anything."""
    if status >= 500:
        return "a server error"
    if expectation == "deny" and status != 403:
        return "expected 403 (role not allowed)"
    if expectation == "allow" and status in (401, 403, 404, 405):
        return "expected the role to be let through"
    if expectation == "either" and status in (401, 404, 405):
        return "expected 403 or success for an in-scope record"
    if expectation is None and status == 401:
        return "a valid token refused"
    return None


OUT_OF_SCOPE_STATUSES = {
    "path": {404},
    "body": {403, 404, 422},
    "list": {200, 403, 404, 422},
}


def out_of_scope_problem(expectation: str | None, kind: str, status: int) -> str | None:
    """What is wrong with an answer about another's record, if anything."""
    if status >= 500:
        return "a server error"
    if expectation == "deny":
        return None if status in (403, 404) else "expected 403 or 404"
    if expectation is None:
        return None if status < 300 or status in (403, 404, 409, 422) else "unexpected status"
    allowed = OUT_OF_SCOPE_STATUSES[kind]
    if expectation == "either":
        allowed = allowed | {403}
    return None if status in allowed else f"expected {sorted(allowed)} for another's record"


def leaks(operation: Operation, who: str, response: Any, markers: Markers) -> list[str]:
    """The foreign data a response shows, one line each."""
    found = markers.found_in(body_text(response))
    return [f"{operation.key} as {who}: {response.status_code} shows {hit}" for hit in found]


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_of_the_contract_is_documented(specs, service):
    """The role table's operations (contract §5) all appear in the service's /openapi.json."""
    service_operations(specs, service)  # fails with the reason when the service is not running
    documented = {op.key for op in operations(service, specs[service])}
    missing = sorted(set(ROLE_TABLE[service]) - documented)
    if service == "notifications":
        missing += sorted((GATEWAY_OPERATIONS | KANNEL_OPERATIONS) - documented)
    assert not missing, f"{service} does not document: {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_bad_tokens_are_refused_with_401(stack, world, specs, service):
    """Missing, expired, unsigned, wrongly signed and forged tokens never get in, anywhere."""
    problems = []
    for operation in service_operations(specs, service):
        role = allowed_role(service, operation, stack, world)
        provider_id = world.providers["P"] if role == "provider" else None
        districts = [] if role in ("admin", "provider") else [HOME]
        for name, value in bad_authorizations(role, districts, provider_id).items():
            headers = {"Authorization": value} if value is not None else {}
            response = send(stack, operation, refs(world, "in", operation), headers)
            if response.status_code != 401:
                problems.append(describe(operation, name, response, "expected 401"))
            problems += leaks(operation, name, response, everyone(world))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_unauthenticated_requests_are_refused_before_their_body_is_read(specs, stack, service):
    """No token and a wrong body: still 401, so an anonymous caller learns nothing about inputs."""
    problems = []
    for operation in service_operations(specs, service):
        if not operation.has_body:
            continue
        response = stack.call(service, operation.method, operation.url({}), json={"x": [1]})
        if response.status_code != 401:
            problems.append(describe(operation, "nobody", response, "expected 401"))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_each_role_is_let_in_or_refused_as_the_contract_says(stack, world, specs, service):
    """In scope: allowed roles get through, other roles get 403, nobody sees others' data."""
    problems = []
    for operation in service_operations(specs, service):
        for role in ROLES:
            expectation = expected(service, operation, role)
            headers = headers_for(stack, world, role)
            response = send(stack, operation, refs(world, "in", operation), headers)
            problem = in_scope_problem(expectation, response.status_code)
            if problem:
                problems.append(describe(operation, f"{role} ({expectation})", response, problem))
            problems += leaks(operation, role, response, foreign_markers(role, world))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_records_out_of_scope_answer_404_and_reveal_nothing(stack, world, specs, service):
    """Another district's child or another provider's referral: 404 (never its data)."""
    problems = []
    for operation in service_operations(specs, service):
        for role in (r for r in ROLES if r not in UNSCOPED_ROLES):  # admins and partners see all
            kind = scope_kind(operation, role)
            if kind is None:
                continue
            expectation = expected(service, operation, role)
            headers = headers_for(stack, world, role)
            response = send(stack, operation, refs(world, "out"), headers)
            problem = out_of_scope_problem(expectation, kind, response.status_code)
            if problem:
                problems.append(describe(operation, f"{role} ({expectation})", response, problem))
            problems += leaks(operation, role, response, foreign_markers(role, world))
    assert not problems, "\n".join(problems)


def test_gateway_callbacks_need_the_shared_secret(stack, world, specs):
    """Gateway callbacks without the right X-Gateway-Secret: 403; a user's token is no key."""
    problems = []
    gateway_ops = [
        op for op in operations("notifications", specs.get("notifications", {}))
        if op.key in GATEWAY_OPERATIONS
    ]  # fmt: skip
    assert gateway_ops, "notifications documents no gateway callback"
    admin = stack.tokens.header("admin")
    for operation in gateway_ops:
        for name, headers in (
            ("no secret", {}),
            ("wrong secret", {"X-Gateway-Secret": "guessed"}),
            ("secret with different case", {"X-Gateway-Secret": RECEIPT_SECRET.upper()}),
            ("an admin's token", admin),
        ):
            response = send(stack, operation, refs(world, "in"), headers)
            if response.status_code != 403:
                problems.append(describe(operation, name, response, "expected 403"))
        right = send(stack, operation, refs(world, "in"), {"X-Gateway-Secret": RECEIPT_SECRET})
        if right.status_code >= 300:
            problems.append(describe(operation, "the gateway", right, "expected success"))
    assert not problems, "\n".join(problems)


# Inputs no schema accepts: a body with unknown and wrongly typed fields, malformed JSON, and
# query parameters out of range. A role refused with a valid request must be refused with these.
BAD_INPUTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("a wrong body", {"json": {"unexpected": [1], "page_size": "x"}}),
    ("malformed JSON", {"data": "{", "content_type": "application/json"}),
    ("a bad query", {"query_string": {"page": "-1", "page_size": "100000", "status": "???"}}),
)


@pytest.mark.parametrize("service", SERVICES)
def test_a_refused_role_is_refused_whatever_it_sends(stack, world, specs, service):
    """Authorization before validation: a role that may not act gets 403, never a 400 or 422
    that would describe the schema to it (and nothing it sent is looked at)."""
    problems = []
    for operation in service_operations(specs, service):
        url = operation.url(refs(world, "in", operation))
        for role in ROLES:
            headers = headers_for(stack, world, role)
            expectation = expected(service, operation, role)
            denied = expectation == "deny"
            if expectation is None or expectation == "either":
                valid = send(stack, operation, refs(world, "in", operation), headers)
                denied = valid.status_code == 403
            if not denied:
                continue
            for name, kwargs in BAD_INPUTS:
                if name != "a bad query" and not operation.has_body:
                    continue
                response = stack.call(service, operation.method, url, headers=headers, **kwargs)
                if response.status_code != 403:
                    problems.append(describe(operation, f"{role} with {name}", response, "403"))
    assert not problems, "\n".join(problems)


def test_kannel_callbacks_need_the_secret_in_their_query(stack, world):
    """Kannel's callbacks without the right `?secret=`: 403; a user's token is no key."""
    problems = []
    person = refs(world, "in")["person"]
    calls = {
        "GET /gateways/kannel/dlr": "/gateways/kannel/dlr?id={}&status=1".format(
            person.notification_ids[0] if person.notification_ids else "unknown"
        ),
        "GET /gateways/kannel/inbound": "/gateways/kannel/inbound?from=%2B992931234567&text=hi",
    }
    assert set(calls) == KANNEL_OPERATIONS
    for key, url in calls.items():
        for name, secret, headers in (
            ("no secret", None, {}),
            ("wrong secret", "guessed", {}),
            ("secret with different case", RECEIPT_SECRET.upper(), {}),
            ("an admin's token", None, stack.tokens.header("admin")),
            ("the secret as a header", None, {"X-Gateway-Secret": RECEIPT_SECRET}),
        ):
            full = url if secret is None else f"{url}&secret={secret}"
            response = stack.call("notifications", "GET", full, headers=headers)
            if response.status_code != 403:
                problems.append(f"{key} with {name}: {response.status_code}, expected 403")
        right = stack.call("notifications", "GET", f"{url}&secret={RECEIPT_SECRET}", headers={})
        if right.status_code in (401, 403) or right.status_code >= 500:
            problems.append(f"{key} with the secret: {right.status_code}")
    assert not problems, "\n".join(problems)
