"""Two consumers' databases gone for two minutes under load: nothing dead-lettered, nothing lost.

An unreachable database is not a poison message: the consumer stops taking messages and holds
what it has unacknowledged, spending no retry, until its database answers. The retry delays of
this suite add up to 15.5 s, so a consumer that treated the outage as a handler failure would
dead-letter events within the first seconds of these two minutes.
"""

from __future__ import annotations

import contextlib
import os
import time

import pytest
from kombu import Connection

from shared.messaging.topology import Names
from tests.faults.counting import dead_letters
from tests.faults.test_database_outage import database_gone
from tests.faults.under_load import accepted_after, count_registrations, paced, registrations

# Most of its three minutes is the outage waited out: it runs beside the parallel tests.
pytestmark = [
    pytest.mark.faults,
    pytest.mark.waits,
    pytest.mark.e2e,
    pytest.mark.long(seconds=180),
]

OUTAGE_SECONDS = float(os.environ.get("FAULT_DATABASE_OUTAGE_SECONDS", "120"))
DOWN = ("assessment", "notifications")  # the two services that consume child.registered
DISTRICT = "mastchoh"
FIRST = 70_000
PACE_SECONDS = 0.5  # about 240 registrations during the outage


def waiting(platform, service: str) -> int:
    """Messages ready on a service's queue, handed to no consumer."""
    with Connection(platform.broker_url) as connection:
        name = Names(platform.namespace).queue(service)
        return connection.channel().queue_declare(name, passive=True).message_count


def test_consumers_hold_their_events_through_a_two_minute_database_outage(
    chain, users, postgres_url
):
    platform, accepted = chain.platform, {}
    databases = [platform.database_urls[s].rsplit("/", 1)[1] for s in DOWN]
    dead_before = {s: len(dead_letters(platform, s)) for s in DOWN}
    load = registrations(users, DISTRICT, FIRST, accepted)
    load.call = paced(load.call, PACE_SECONDS)
    with load, contextlib.ExitStack() as outage:
        users.wait(lambda: len(accepted) >= 10, "registrations flowing before the outage")
        for database in databases:
            outage.enter_context(database_gone(postgres_url, database))
        down = time.monotonic()
        users.wait(lambda: time.monotonic() - down >= OUTAGE_SECONDS, "the outage to last",
                   timeout=OUTAGE_SECONDS + 10)  # fmt: skip
        during = accepted_after(load, down)
        queued = {s: waiting(platform, s) for s in DOWN}
        outage.close()
        up = time.monotonic()
        users.wait(lambda: accepted_after(load, up) >= 10, "registrations after the outage")
    dead = {s: len(dead_letters(platform, s)) - dead_before[s] for s in DOWN}
    held = sum(platform.log_text(f"{s}-worker").count("holding events until") for s in DOWN)
    counts = count_registrations(
        users, f"assessment and notifications databases down {OUTAGE_SECONDS:.0f} s under load",
        DISTRICT, load, accepted,
        {"registrations accepted during the outage": during,
         "messages left in the queues when it ended": queued,
         "consumers holding events": held, "new dead letters": dead},
    )  # fmt: skip
    assert dead == dict.fromkeys(DOWN, 0)
    assert held >= len(DOWN)
    # They stopped taking messages: all but a prefetch's worth stayed in the queues.
    assert all(n >= during - 50 for n in queued.values()), queued
    assert counts.journeys_finished == len(accepted)
    assert (counts.events_lost, counts.events_handled_twice, counts.sms_duplicated) == (0, 0, 0)
