"""Schemathesis against each service's /openapi.json, in process, with a valid user's token.

Checks: no 5xx, responses match the document, invalid data is refused, auth is not ignored, a
deleted resource stays gone (the contract has no DELETE, so that check can only pass). Totals are
printed at the end of the session (conftest.py) so the CI log shows them.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.transport.wsgi import WSGITransport

from tests.security import report
from tests.security.calls import SERVICES, all_operations, caller_headers, service_operations
from tests.security.operations import Operation

pytestmark = pytest.mark.integration
CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "use_after_free",
)
MAX_EXAMPLES = 50
SEED = 20261125  # fixed, so a run can be repeated; change it to explore further


@pytest.fixture
def wsgi_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let ignored_auth's probes reach an in-process app."""
    # schemathesis 4.32 sends those probes with requests-only options (max_redirects, verify, …)
    # that werkzeug's test client refuses, which would turn every probe into an error.
    original = WSGITransport.send

    def send(self: WSGITransport, case: Any, *, session: Any = None, **kwargs: Any) -> Any:
        if session is None:
            for name in ("max_redirects", "verify", "cert", "proxies"):
                kwargs.pop(name, None)
        return original(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send)


def config() -> schemathesis.Config:
    """Bounded, repeatable generation with exactly the checks above."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "workers": 1,
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {"stateful": {"max-steps": 10}},
        }
    )


def auth_headers(stack: Any, world: Any, service: str, ops: list[Operation]) -> dict:
    """The headers each operation is called with: a role it allows, or the gateway's secret."""
    return {(op.method, op.path): caller_headers(stack, world, service, op) for op in ops}


def provider_for(chosen: dict[tuple[str, str], dict[str, str]]) -> type:
    """A schemathesis auth provider that sets the chosen headers per operation."""

    class ChosenHeaders:
        def get(self, case: Any, ctx: Any) -> dict[str, str]:
            return chosen.get((case.operation.method.upper(), case.operation.path), {})

        def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
            case.headers = {**(case.headers or {}), **data}

    return ChosenHeaders


def failure_key(label: str, check: Any) -> tuple[str, str, str]:
    """One finding per operation, check and kind of failure, however many cases show it."""
    steps = check.failure_info.steps
    operation = steps[-1].operation if steps else label
    return operation, check.name, check.failure_info.failure.title


def describe(key: tuple[str, str, str], check: Any) -> str:
    message = check.failure_info.failure.message.split("\n")[0][:200]
    steps = check.failure_info.steps
    curl = steps[-1].curl[:400] if steps else ""
    return f"{key[0]}: {key[1]}: {key[2]} — {message}\n    e.g. {curl}"


def run(schema: Any, totals: report.Totals) -> None:
    """Run every phase and count operations, cases, checks and distinct failures."""
    operations: set[str] = set()
    found: dict[tuple[str, str, str], str] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            recorder = event.recorder
            if recorder.cases:
                operations.add(recorder.label)
            totals.cases += len(recorder.cases)
            phase = event.phase.value
            totals.phases[phase] = totals.phases.get(phase, 0) + len(recorder.cases)
            for check in (c for checks in recorder.checks.values() for c in checks):
                totals.checks += 1
                if check.failure_info is not None:
                    key = failure_key(recorder.label, check)
                    found.setdefault(key, describe(key, check))
        elif isinstance(event, events.NonFatalError):
            totals.errors.append(f"{event.label}: {event.info.message[:300]}")
        elif isinstance(event, events.FatalError):
            totals.errors.append(f"fatal: {event.exception!r}")
    totals.operations = len(operations)
    totals.failures = list(found.values())


# How long each service's run keeps a parallel worker busy (the longest are handed out first).
SECONDS = {"referral": 90, "assessment": 55, "notifications": 40, "intake": 30, "quality": 25}


@pytest.mark.parametrize(
    "service",
    [pytest.param(s, marks=pytest.mark.long(seconds=SECONDS.get(s, 30))) for s in SERVICES],
)
def test_schemathesis_finds_nothing(stack, world, specs, service, wsgi_probes):
    """Generated valid and invalid requests to every operation: every check passes."""
    ops = service_operations(specs, service)
    chosen = auth_headers(stack, world, service, all_operations(specs, service))
    schema = schemathesis.openapi.from_wsgi(
        "/openapi.json", stack.service(service).app, config=config()
    )
    schema.auth(refresh_interval=None)(provider_for(chosen))
    totals = report.Totals(service)
    report.TOTALS.append(totals)
    started = time.perf_counter()
    run(schema, totals)
    totals.seconds = time.perf_counter() - started
    print(totals.line())
    assert totals.operations >= len(ops), f"only {totals.operations} operations were exercised"
    problems = totals.failures + totals.errors
    assert not problems, f"{len(problems)} distinct problems:\n" + "\n".join(problems)
