"""The outbox relay on a backlog, beside the same publisher with no database, in one run.

    python -m bench.relay_backlog [--events 20000] [--batch 200] [--rounds 2]

Each round publishes the same number of event-sized messages (routed as `child.registered`, to
every queue that takes it) three ways: the relay's publisher alone, in batches (the ceiling);
the relay draining an outbox PostgreSQL has not analyzed yet (a new service's database, the
minute after an import); the relay after `ANALYZE`. Events/s, the share of the same round's
publisher alone, and the CPU seconds of this process, RabbitMQ and PostgreSQL meanwhile.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psutil
from kombu import Connection
from sqlalchemy import MetaData, insert, text

from bench.servers import rabbitmq_url, throwaway_database, unique_name
from shared.db import Database
from shared.messaging.publisher import Outgoing, Publisher
from shared.messaging.topology import Topology
from shared.outbox import OutboxRelay, outbox_table
from shared.subscriptions import SUBSCRIPTIONS, is_routed
from shared.testing.fixtures import delete_namespace

EVENT_TYPE = "child.registered"
BODY = json.dumps({"type": EVENT_TYPE, "payload": {"pad": "x" * 900}})  # about 1 KB


def _servers_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds so far of each broker and PostgreSQL process on this machine, by pid."""
    used = {}
    for process in psutil.process_iter(["pid", "cmdline", "cpu_times"]):
        command, times = process.info["cmdline"] or [""], process.info["cpu_times"]
        if times is None or not command:
            continue
        if "beam.smp" in command[0]:
            used[process.info["pid"]] = ("rabbitmq", times.user + times.system)
        elif command[0].startswith("postgres"):
            used[process.info["pid"]] = ("postgres", times.user + times.system)
    return used


def _spent(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict:
    """CPU seconds each server spent between two readings: by processes alive at the second
    (a process that ended in between takes its share with it)."""
    spent = {"rabbitmq": 0.0, "postgres": 0.0}
    for pid, (server, seconds) in after.items():
        earlier = before.get(pid)
        # a pid used again by a newer process of the same server: counted from its start
        spent[server] += max(0.0, seconds - (earlier[1] if earlier else 0.0))
    return spent


def timed(run: Callable[[], int]) -> dict[str, float]:
    """Run once; return events/s, the CPU seconds this process spent, and those the broker
    and PostgreSQL spent meanwhile (the two cores are shared: what each costs is the reason
    for a rate)."""
    servers = _servers_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    events = run()
    seconds = time.perf_counter() - started
    own = time.process_time() - cpu
    spent = _spent(servers, _servers_cpu())
    return {
        "events": events,
        "events_per_s": round(events / seconds),
        "cpu_s": round(own, 2),
        "rabbitmq_cpu_s": round(spent["rabbitmq"], 2),
        "postgres_cpu_s": round(spent["postgres"], 2),
    }


def publish_alone(broker_url: str, topology: Topology, events: int, batch: int) -> int:
    """The relay's publisher with no database: event-sized messages as the relay sends them,
    routed as `child.registered` to every queue of `topology` that takes it, in batches, each
    confirmed before the next. Return how many were published."""
    publisher = Publisher(broker_url)
    messages = [
        Outgoing(BODY, topology.events, EVENT_TYPE, str(uuid.uuid4()),
                 mandatory=is_routed(EVENT_TYPE), headers={"event_type": EVENT_TYPE},
                 correlation_id=str(uuid.uuid4()))
        for _ in range(events)
    ]  # fmt: skip
    try:
        for start in range(0, events, batch):
            publisher.publish(messages[start : start + batch])
    finally:
        publisher.close()
    return events


def publisher_alone_rate(broker_url: str, events: int, batch: int = 200) -> dict[str, Any]:
    """The relay's ceiling on this broker: `publish_alone` in a namespace of its own (the
    platform's queues and exchanges, removed afterwards); events/s and this process's CPU."""
    namespace = unique_name("relayalone")
    topology = Topology(namespace)
    try:
        with Connection(broker_url) as connection:
            topology.declare(connection)
        figures = timed(lambda: publish_alone(broker_url, topology, events, batch))
    finally:
        delete_namespace(broker_url, namespace)
    queues = sum(EVENT_TYPE in types for types in SUBSCRIPTIONS.values())
    return {**figures, "batch": batch, "queues": queues, "queue_type": topology.queue_type}


class Bench:
    """One outbox database and one broker namespace for every round."""

    def __init__(self, database_url: str, broker_url: str, events: int, batch: int) -> None:
        self.broker_url, self.events, self.batch = broker_url, events, batch
        self.db = Database(database_url)
        self.table = outbox_table(MetaData())
        self.namespace = unique_name("relaybench")
        self.topology = Topology(self.namespace)

    def declare(self) -> None:
        """The outbox table, and the platform's queues and exchanges in a namespace of its own."""
        self.table.metadata.create_all(self.db.engine)
        with Connection(self.broker_url) as connection:
            self.topology.declare(connection)

    def publisher_alone(self) -> int:
        return publish_alone(self.broker_url, self.topology, self.events, self.batch)

    def fill(self, analyze: bool) -> None:
        """A fresh outbox (dropped and made again: no statistics) holding the backlog."""
        self.table.metadata.drop_all(self.db.engine)
        self.table.metadata.create_all(self.db.engine)
        now = datetime.now(UTC)
        rows = [
            {"id": str(uuid.uuid4()), "event_type": EVENT_TYPE, "correlation_id": str(i),
             "body": BODY, "created_at": now, "attempts": 0}
            for i in range(self.events)
        ]  # fmt: skip
        with self.db.engine.begin() as connection:
            for start in range(0, len(rows), 1000):
                connection.execute(insert(self.table), rows[start : start + 1000])
        if analyze:
            with self.db.engine.begin() as connection:
                connection.execute(text("ANALYZE outbox"))

    def relay(self) -> int:
        relay = OutboxRelay(
            self.db, self.table, Publisher(self.broker_url), self.topology, batch_size=self.batch
        )
        try:
            while relay.relay_once():
                pass
        finally:
            relay.publisher.close()
        return relay.published

    def purge(self) -> None:
        with Connection(self.broker_url) as connection:
            for queue in self.topology.all_queues():
                queue(connection.channel()).purge()

    def remove(self) -> None:
        """Delete the namespace's queues and exchanges, and let go of the database."""
        try:
            delete_namespace(self.broker_url, self.namespace)
        finally:
            self.db.dispose()


def run(events: int, batch: int, rounds: int) -> list[dict[str, Any]]:
    """Measure each way `rounds` times, alternating; return one row per measurement."""
    results = []
    with throwaway_database("relaybench") as database_url:
        bench = Bench(database_url, rabbitmq_url(), events, batch)
        try:
            bench.declare()
            for round_ in range(1, rounds + 1):
                for way, analyze in (("publisher alone", None), ("relay, not analyzed", False),
                                     ("relay, analyzed", True)):  # fmt: skip
                    bench.purge()
                    if analyze is None:
                        figures = timed(bench.publisher_alone)
                    else:
                        bench.fill(analyze)
                        figures = timed(bench.relay)
                    results.append({"round": round_, "way": way, **figures})
        finally:
            bench.remove()
    return results


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The relay's rate over every round, beside the same rounds' publisher alone: means, the
    lowest and highest share of a round's publisher alone, and every row measured."""
    alone = [r["events_per_s"] for r in rows if r["way"] == "publisher alone"]
    relay = [r for r in rows if r["way"] != "publisher alone"]
    by_round = {r["round"]: r["events_per_s"] for r in rows if r["way"] == "publisher alone"}
    shares = [r["events_per_s"] / by_round[r["round"]] for r in relay if by_round.get(r["round"])]
    return {
        "events": rows[0]["events"] if rows else 0,
        "rounds": len(alone),
        "publisher_alone_per_s": round(sum(alone) / len(alone)) if alone else None,
        "relay_per_s": round(sum(r["events_per_s"] for r in relay) / len(relay)) if relay else None,
        "share_of_alone": round(sum(shares) / len(shares), 3) if shares else None,
        "share_of_alone_range": [round(min(shares), 3), round(max(shares), 3)] if shares else None,
        "rows": rows,
    }


def backlog_phase(events: int, batch: int = 200, rounds: int = 2) -> dict[str, Any]:
    """The full run's relay figure: `run` on a backlog of `events`, summarised."""
    return {**summary(run(events, batch, rounds)), "batch": batch}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relay_backlog", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200, help="the relay's batch size")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the database and the namespace's queues are removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    alone = 0
    for row in run(args.events, args.batch, args.rounds):
        share = ""
        if row["way"] == "publisher alone":
            alone = row["events_per_s"]
        elif alone:
            share = f"{row['events_per_s'] / alone:4.0%} of alone"
        print(f"round {row['round']}  {row['way']:<20} {row['events_per_s']:>7,} events/s"
              f" {share:>13}  CPU s: this process {row['cpu_s']:.2f}, RabbitMQ"
              f" {row['rabbitmq_cpu_s']:.2f}, PostgreSQL {row['postgres_cpu_s']:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
