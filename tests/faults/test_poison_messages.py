"""Poison in every consuming service's queue: dead-lettered, the rest flows, replay repairs it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kombu import Connection, Producer

from shared.messaging.topology import Names
from tests.e2e.steps import Family, Users
from tests.faults.counting import (
    assessments_per_child,
    dead_letters,
    records_made_twice,
    sms_duplicated,
    sms_missing,
    sms_records,
)
from tests.faults.report import FaultCounts, record

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

CONSUMERS = ("assessment", "referral", "notifications")  # intake consumes no events
DISTRICT = "shahriston"
FIRST = 40_000
REPAIRED_PHONE = f"+99293{(1234567 + FIRST + 2) % 10**7:07d}"


def inject(broker_url: str, namespace: str, service: str, body: str, message_id: str) -> None:
    """Put a message straight onto one service's queue, as a faulty producer would."""
    names = Names(namespace)
    with Connection(broker_url) as connection:
        Producer(connection.channel()).publish(
            body, exchange=names.requeue_exchange, routing_key=names.queue(service),
            content_type="application/json", content_encoding="utf-8", message_id=message_id,
            serializer=None, delivery_mode=2,
        )  # fmt: skip


def repaired_and_broken(model: dict) -> tuple[dict, dict]:
    """Return a registration event of a child no service knows, and its copy with a bad date."""
    repaired = copy.deepcopy(model)
    child_id = str(uuid.uuid4())
    repaired.update(id=str(uuid.uuid4()), correlation_id=child_id)
    repaired["payload"]["child_id"] = child_id
    repaired["payload"]["child"]["given_name"] = "Шукрона"
    repaired["payload"]["guardian"]["phone"] = REPAIRED_PHONE
    broken = copy.deepcopy(repaired)
    broken["payload"]["child"]["date_of_birth"] = "15.01.2023"  # a producer's bug: not ISO 8601
    return repaired, broken


def replay(platform, service: str, message_id: str, body_file: Path) -> dict:
    """Replay one dead letter with a corrected body, with the operators' command."""
    command = [sys.executable, "-m", "shared.deadletters", "replay", service, "--id", message_id,
               "--body-file", str(body_file)]  # fmt: skip
    done = subprocess.run(command, env=platform.service_env(service), capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_known_everywhere(users: Users, family: Family) -> None:
    """Wait until assessment, referral and notifications have each handled the child."""
    users.assessment(family)
    users.matches(family)
    users.sms_arrived(family.phone, family.given_name)


def test_poison_is_dead_lettered_the_rest_flows_and_a_repaired_event_replays(
    chain, users, tmp_path
):
    platform, tap = chain.platform, chain.new_tap()  # a fresh tap: the broker may have restarted
    model = users.register(FIRST, DISTRICT, "Фотима")
    event = tap.wait_for("child.registered", lambda e: e["payload"]["child_id"] == model.child_id,
                         timeout=30)  # fmt: skip
    repaired, broken = repaired_and_broken(event)
    for service in CONSUMERS:
        inject(platform.broker_url, platform.namespace, service, "{not json", f"junk-{service}")
        inject(platform.broker_url, platform.namespace, service, json.dumps(broken), broken["id"])

    later = users.register(FIRST + 1, DISTRICT, "Манижа")
    wait_known_everywhere(users, later)  # the queues did not stop at the poison
    dead = {s: users.wait(lambda s=s: _poisoned(platform, s, broken["id"]), f"{s} dead letters")
            for s in CONSUMERS}  # fmt: skip
    for service, letters in dead.items():
        assert "not JSON" in letters[f"junk-{service}"]["reason"], letters
        assert "invalid child.registered payload" in letters[broken["id"]]["reason"], letters

    body_file = tmp_path / "repaired.json"
    body_file.write_text(json.dumps(repaired, ensure_ascii=False), encoding="utf-8")
    replayed = [replay(platform, s, broken["id"], body_file) for s in CONSUMERS]
    assert replayed == [{"replayed": 1}] * len(CONSUMERS)
    body = repaired["payload"]
    family = Family(body["child_id"], DISTRICT, "Шукрона", REPAIRED_PHONE, "tg", body)
    wait_known_everywhere(users, family)
    left = {s: sorted(d["id"] for d in dead_letters(platform, s)) for s in CONSUMERS}

    phones = {model.phone: 1, later.phone: 1, REPAIRED_PHONE: 1}
    counts = record(
        FaultCounts(
            "poison messages in every consuming queue",
            children_sent_in=len(phones),
            journeys_finished=len(phones) - sms_missing(users, phones),
            events_lost=sms_missing(users, phones),
            events_handled_twice=records_made_twice(sms_records(users, DISTRICT))
            + sum(n - 1 for n in assessments_per_child(users, DISTRICT).values()),
            sms_duplicated=sms_duplicated(users, phones),
            details={
                "poison injected": 2 * len(CONSUMERS),
                "dead-lettered": sum(len(d) for d in dead.values()),
                "replayed and handled": len(replayed),
                "dead letters left": sum(len(ids) for ids in left.values()),
            },
        )
    )
    assert left == {s: [f"junk-{s}"] for s in CONSUMERS}
    assert (counts.events_lost, counts.events_handled_twice, counts.sms_duplicated) == (0, 0, 0)


def _poisoned(platform, service: str, broken_id: str) -> dict[str, dict] | None:
    letters = {d["id"]: d for d in dead_letters(platform, service)}
    return letters if {f"junk-{service}", broken_id} <= set(letters) else None
