"""The platform on a PostgreSQL primary with a synchronous standby: the primary dies mid-load.

The pair is this machine's own (`tests/faults/postgres_pair.py`): its own ports and folders,
never the cluster on 5432. Every service's URL names both servers with
`target_session_attrs=read-write`; after the kill the standby is promoted, and the services'
engines find it by themselves.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tests.e2e.steps import Users
from tests.e2e.wiring import Chain, chain_running
from tests.faults.conftest import RETRY_DELAYS
from tests.faults.counting import dead_letters
from tests.faults.postgres_pair import BIN, PostgresPair, postgres_user_exists
from tests.faults.under_load import accepted_after, count_registrations, registrations, require

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

CONSUMERS = ("assessment", "referral", "notifications")
DISTRICT = "zafarobod"
FIRST = 60_000


@pytest.fixture(scope="module")
def pair() -> Iterator[PostgresPair]:
    require((BIN / "initdb").exists(), f"PostgreSQL server binaries are not in {BIN}")
    require(postgres_user_exists(), "the postgres user does not exist")
    require(os.geteuid() == 0, "running PostgreSQL servers as the postgres user needs root")
    servers = PostgresPair.create()
    try:
        yield servers.start()
    finally:
        servers.remove()


@pytest.fixture(scope="module")
def pair_chain(pair, rabbitmq_url, tmp_path_factory) -> Iterator[Chain]:
    """The eight processes with every database on the pair, through multi-host URLs."""
    workdir = tmp_path_factory.mktemp("postgres-failover")
    extra = {"RETRY_DELAYS": RETRY_DELAYS}
    with chain_running(pair.url(), rabbitmq_url, workdir, extra) as running:
        yield running


def test_the_primary_is_killed_mid_load_the_standby_promoted_and_nothing_is_lost(pair, pair_chain):
    users, accepted = Users(pair_chain), {}
    urls = pair_chain.platform.database_urls.values()
    assert all("target_session_attrs=read-write" in url for url in urls), urls
    dead_before = sum(len(dead_letters(pair_chain.platform, s)) for s in CONSUMERS)
    with registrations(users, DISTRICT, FIRST, accepted) as load:
        users.wait(lambda: len(accepted) >= 75, "registrations flowing on the primary")
        pair.kill_primary()
        killed = time.monotonic()
        users.wait(lambda: _refused_since(load, killed) >= 3, "registrations refused")
        pair.promote_standby()
        promoted = time.monotonic()
        users.wait(lambda: accepted_after(load, promoted) >= 70, "registrations on the standby")
    first_after = next(t for t, status, _ in load.between(promoted, 1e12) if status == 201)
    missing = [child for child in accepted if not _present(users, child)]
    dead = sum(len(dead_letters(pair_chain.platform, s)) for s in CONSUMERS) - dead_before
    counts = count_registrations(
        users, "PostgreSQL primary killed under load, synchronous standby promoted",
        DISTRICT, load, accepted,
        {"seconds from kill to promotion": round(promoted - killed, 1),
         "seconds from promotion to the first registration accepted": round(
             first_after - promoted, 1),
         "accepted children missing afterwards": len(missing), "dead-lettered": dead},
    )  # fmt: skip
    assert counts.details["answered 503"] >= 1 and not counts.details["other answers"], counts
    assert not missing, f"accepted but gone after the failover: {missing[:5]}"
    assert counts.journeys_finished == len(accepted)
    assert (counts.events_lost, counts.events_handled_twice, counts.sms_duplicated) == (0, 0, 0)
    assert dead == 0


def _refused_since(load, since: float) -> int:
    return sum(1 for _, status, _ in load.between(since, 1e12) if status == 503)


def _present(users: Users, child_id: str) -> bool:
    found = users.call("intake", "GET", f"/children/{child_id}", "phw", districts=[DISTRICT],
                       expect=(200, 404))  # fmt: skip
    return bool(found) and found.get("id") == child_id
