"""The platform on a three-node RabbitMQ cluster (quorum queues, failover URL) losing nodes.

The cluster is this machine's own (`tests/faults/rabbitmq_cluster.py`): its own ports, node
names and folders, never the node on 5672. Registrations flow the whole time; each test counts
what they became, as the rest of the fault suite does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from shared.messaging.topology import Names
from tests.e2e.steps import Users
from tests.e2e.wiring import Chain, chain_running
from tests.faults.conftest import RETRY_DELAYS
from tests.faults.counting import sms_missing
from tests.faults.rabbitmq_cluster import SBIN, RabbitCluster, server_user_exists
from tests.faults.under_load import accepted_after, count_registrations, registrations, require

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

WHILE_DOWN = 15  # registrations accepted while a node is down (each fault)
DRAIN_DEADLINE = 90.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[RabbitCluster]:
    require((SBIN / "rabbitmq-server").exists(), "rabbitmq-server is not installed")
    require(server_user_exists(), "the rabbitmq user does not exist")
    require(os.geteuid() == 0, "starting RabbitMQ nodes as the rabbitmq user needs root")
    running = RabbitCluster.started()
    try:
        yield running
    finally:
        running.remove()


@pytest.fixture(scope="module")
def cluster_chain(cluster, postgres_url, tmp_path_factory) -> Iterator[Chain]:
    """The eight processes on the cluster's failover URL and fresh databases."""
    workdir = tmp_path_factory.mktemp("rabbitmq-cluster")
    extra = {"RETRY_DELAYS": RETRY_DELAYS}
    broker = cluster.failover_url()
    with chain_running(postgres_url, broker, workdir, extra, tap=False, migrate=False) as running:
        yield running


@pytest.fixture(scope="module")
def cluster_users(cluster_chain) -> Users:
    return Users(cluster_chain)


def notifications_queue(chain: Chain) -> str:
    return Names(chain.platform.namespace).queue("notifications")


def sms_flowing_since(users: Users, accepted: dict[str, str], phones_before: set[str]) -> bool:
    """True when a child registered after a moment has had its SMS (events still flow)."""
    newer = {phone: 1 for phone in accepted.values() if phone not in phones_before}
    return bool(newer) and sms_missing(users, newer) < len(newer)


# The three tests share one platform; each registers from its own number, 100,000 apart, so
# that SMS a failed test leaves behind never land on the next test's phones as duplicates.


def test_the_leader_of_notifications_queue_stops_and_sms_keep_flowing(
    cluster, cluster_chain, cluster_users
):
    users, accepted = cluster_users, {}
    with registrations(users, "ayni", 50_000, accepted) as load:
        users.wait(lambda: len(accepted) >= 10, "registrations flowing on the whole cluster")
        leader = cluster.leader(notifications_queue(cluster_chain))
        cluster.stop_node(leader)
        down, before = time.monotonic(), set(accepted.values())
        users.wait(lambda: accepted_after(load, down) >= WHILE_DOWN, "registrations, node down")
        users.wait(lambda: sms_flowing_since(users, accepted, before), "SMS with the node down",
                   timeout=90)  # fmt: skip
        new_leader = cluster.leader(notifications_queue(cluster_chain))
        cluster.start_node(leader)
        back = time.monotonic()
        users.wait(lambda: accepted_after(load, back) >= 10, "registrations after it returned")
    counts = count_registrations(
        users, "RabbitMQ cluster: the notifications queue's leader node stopped under load",
        "ayni", load, accepted,
        {"seconds the node was down": round(back - down, 1),
         "leader moved": new_leader.name != leader.name},
    )  # fmt: skip
    _assert_nothing_lost(counts, accepted)
    assert new_leader.name != leader.name


def test_a_second_node_stops_both_return_and_the_backlog_drains(
    cluster, cluster_chain, cluster_users
):
    users, accepted = cluster_users, {}
    with registrations(users, "asht", 150_000, accepted) as load:
        users.wait(lambda: len(accepted) >= 10, "registrations flowing on the whole cluster")
        first = cluster.leader(notifications_queue(cluster_chain))
        second = next(n for n in cluster.nodes if n.name != first.name)
        cluster.stop_node(first)
        one_down = time.monotonic()
        users.wait(lambda: accepted_after(load, one_down) >= 10, "registrations, one node down")
        cluster.stop_node(second)  # the queues lose their majority: events wait in outboxes
        two_down = time.monotonic()
        users.wait(lambda: accepted_after(load, two_down) >= WHILE_DOWN, "registrations, two down")
        for node in (first, second):
            cluster.start_node(node, wait=False)
        for node in (first, second):
            cluster.wait_started(node)
        whole = time.monotonic()
        users.wait(lambda: accepted_after(load, whole) >= 10, "registrations, cluster whole")
    expected = dict.fromkeys(accepted.values(), 1)
    users.wait(lambda: sms_missing(users, expected) == 0, "the backlog drained",
               timeout=DRAIN_DEADLINE)  # fmt: skip
    drained = time.monotonic() - whole
    counts = count_registrations(
        users, "RabbitMQ cluster: a second node stopped, both brought back, backlog drained",
        "asht", load, accepted,
        {"seconds with two nodes down": round(whole - two_down, 1),
         "seconds to drain once the cluster was whole": round(drained, 1)},
    )  # fmt: skip
    _assert_nothing_lost(counts, accepted)


def test_a_rolling_restart_of_all_three_nodes_under_load(cluster, cluster_chain, cluster_users):
    users, accepted, restarts = cluster_users, {}, []
    with registrations(users, "devashtich", 250_000, accepted) as load:
        users.wait(lambda: len(accepted) >= 10, "registrations flowing on the whole cluster")
        for node in cluster.nodes:
            started = time.monotonic()
            cluster.stop_node(node)
            users.wait(lambda s=started: accepted_after(load, s) >= 5, "registrations, node down")
            cluster.start_node(node)
            restarts.append(round(time.monotonic() - started, 1))
        done = time.monotonic()
        users.wait(lambda: accepted_after(load, done) >= 10, "registrations after the restart")
    counts = count_registrations(
        users, "RabbitMQ cluster: rolling restart of the three nodes under load",
        "devashtich", load, accepted, {"seconds each node was out": restarts},
    )  # fmt: skip
    _assert_nothing_lost(counts, accepted)


def _assert_nothing_lost(counts, accepted: dict[str, str]) -> None:
    assert counts.details["answered 503"] == 0 and not counts.details["other answers"], counts
    assert counts.children_sent_in == len(accepted) == counts.journeys_finished
    assert (counts.events_lost, counts.events_handled_twice, counts.sms_duplicated) == (0, 0, 0)
