"""`python -m shared.deadletters purge <service> --child ID` deletes that child's dead letters."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from kombu import Connection, Producer

from shared.config import load_settings
from shared.events import make_event
from shared.messaging.topology import Names, topology_for

pytestmark = pytest.mark.integration

SERVICE = "assessment"


def _dead_letter(broker_url: str, names: Names, body: str, message_id: str, **props) -> None:
    with Connection(broker_url) as connection:
        Producer(connection.channel()).publish(
            body, exchange=names.dead_exchange, routing_key=names.queue(SERVICE),
            content_type="application/json", content_encoding="utf-8",
            message_id=message_id, serializer=None, delivery_mode=2, **props,
        )  # fmt: skip


def _run(env: dict, *args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "shared.deadletters", *args],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _event(child_id: str):
    payload = {"child_id": child_id, "withdrawn_at": None}
    return make_event(
        "child.consent_withdrawn", payload, producer="intake", correlation_id=child_id
    )


def test_purge_deletes_the_childs_dead_letters_and_keeps_the_others(rabbitmq_url, broker_namespace):
    env = {**os.environ, "BROKER_URL": rabbitmq_url, "BROKER_NAMESPACE": broker_namespace,
           "JWT_SECRET": "x" * 32, "SMS_RECEIPT_SECRET": "y" * 32}  # fmt: skip
    settings = load_settings(SERVICE, env)
    with Connection(rabbitmq_url) as connection:
        topology_for(settings).declare(connection)
    names = Names(broker_namespace)
    mine, other = _event("child-erased"), _event("child-kept")
    _dead_letter(rabbitmq_url, names, mine.to_json(), mine.id, correlation_id="child-erased")
    _dead_letter(rabbitmq_url, names, "{broken child-erased", "broken-1")
    _dead_letter(rabbitmq_url, names, other.to_json(), other.id, correlation_id="child-kept")

    assert _run(env, "purge", SERVICE, "--child", "child-erased") == [{"purged": 2}]

    assert [d["id"] for d in _run(env, "list", SERVICE)] == [other.id]
