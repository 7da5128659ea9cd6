"""Same-run baselines: the raw speed of this machine's broker, database and web stack."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert

from bench import broker_baselines as broker
from bench.baseline_app import OutboxRow, Record, create_tables
from bench.loadgen import HttpClient, run_load
from bench.relay_backlog import publisher_alone_rate
from bench.servers import (
    start_gunicorn,
    stop_process,
    throwaway_database,
    unique_name,
    wait_http,
)
from bench.stats import latency_summary
from shared.messaging.connection import connect
from shared.testing.ports import free_port

RECORD = {
    "given_name": "Фарзона",
    "family_name": "Раҳимова",
    "date_of_birth": "2023-04-12",
    "district_code": "rudaki",
    "phone": "+992931234567",
    "concerns": ["walking", "communication"],
}


def postgres_commits(database_url: str, seconds: float, with_outbox: bool) -> dict:
    """Commit one row (and an outbox row) per transaction with SQLAlchemy Core for a while."""
    create_tables(database_url)
    engine = create_engine(database_url)
    records, outbox = Record.__table__, OutboxRow.__table__
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    with engine.connect() as connection:
        while time.perf_counter() < deadline:
            begin = time.perf_counter()
            row_id = str(uuid.uuid4())
            now = datetime.now(UTC)
            connection.execute(
                insert(records).values(
                    id=row_id,
                    given_name="Фарзона",
                    family_name="Раҳимова",
                    date_of_birth=date(2023, 4, 12),
                    district_code="rudaki",
                    phone="+992931234567",
                    concerns="[]",
                    created_at=now,
                )
            )
            if with_outbox:
                connection.execute(
                    insert(outbox).values(
                        id=str(uuid.uuid4()),
                        event_type="record.created",
                        body=json.dumps({"record_id": row_id}),
                        created_at=now,
                    )
                )
            connection.commit()
            latencies.append(time.perf_counter() - begin)
    engine.dispose()
    test = "Core INSERT + outbox INSERT + COMMIT" if with_outbox else "Core INSERT + COMMIT"
    total = sum(latencies)
    return {
        "test": test,
        "commits": len(latencies),
        "rate_per_s": round(len(latencies) / total, 1) if total else None,
        "latency": latency_summary(latencies),
    }


def http_endpoint(
    app: str,
    path: str,
    env: dict[str, str],
    seconds: float,
    concurrency: int,
    logs: Path,
    post: bool = False,
) -> dict:
    """Run one reference app under gunicorn and load it at a fixed concurrency."""
    port = free_port()
    process = start_gunicorn(app, port, env, logs / f"baseline-{app.split(':')[-1][:-2]}.log")
    try:
        wait_http(f"http://127.0.0.1:{port}{'/healthz' if post else path}", process=process)
        body = json.dumps(RECORD).encode()
        headers = {"Content-Type": "application/json"}

        def action(client: HttpClient, index: int) -> None:
            if post:
                client.request("POST", path, body, headers)
            else:
                client.request("GET", path)

        result = run_load("127.0.0.1", port, action, concurrency, duration=seconds)
    finally:
        stop_process(process)
    return result.summary()


def broker_baselines(broker_url: str, scale: float) -> dict[str, Any]:
    """Run the kombu baselines in a throwaway namespace."""
    namespace = unique_name("bench")
    one, many = max(int(3000 * scale), 50), max(int(30000 * scale), 200)
    try:
        return {
            "publish_confirm_each": broker.publish_one_by_one(broker_url, namespace, one),
            "publish_confirm_batch_100": broker.publish_batched(broker_url, namespace, many),
            "publish_confirm_batch_100_quorum": broker.publish_batched(
                broker_url, namespace, many, queue_type="quorum"
            ),
            "consume_ack_prefetch_50": broker.consume_with_acks(broker_url, namespace, many),
            "consume_ack_prefetch_50_quorum": broker.consume_with_acks(
                broker_url, namespace, many, queue_type="quorum"
            ),
            # The relay's own ceiling: its publisher, its messages and the platform's routing
            # (an event goes to every queue that takes it), with no database.
            "relay_publisher_alone": publisher_alone_rate(broker_url, many),
        }
    finally:
        _delete_leftovers(broker_url, namespace)


def _delete_leftovers(broker_url: str, namespace: str) -> None:
    connection = connect(broker_url)
    try:
        channel = connection.channel()
        for queue_type in ("classic", "quorum"):
            channel.queue_delete(f"{namespace}.bench.{queue_type}")
        channel.exchange_delete(f"{namespace}.bench")
    except Exception:  # already gone: nothing to clean
        pass
    finally:
        connection.release()


def run_baselines(
    broker_url: str,
    gunicorn_env: dict[str, str],
    seconds: float,
    concurrency: int,
    scale: float,
    logs: Path,
) -> dict[str, Any]:
    """Run every baseline of the run and return their figures."""
    results: dict[str, Any] = {"broker": broker_baselines(broker_url, scale)}
    with throwaway_database("bench_pg") as url:
        results["postgres"] = {
            "core_insert_commit": postgres_commits(url, seconds / 2, with_outbox=False),
            "core_insert_outbox_commit": postgres_commits(url, seconds / 2, with_outbox=True),
        }
    results["http"] = {
        "bare_json_get": http_endpoint(
            "bench.baseline_app:create_bare_app()",
            "/ping",
            gunicorn_env,
            seconds,
            concurrency,
            logs,
        ),
    }
    with throwaway_database("bench_http") as url:
        create_tables(url)
        env = {**gunicorn_env, "BENCH_DATABASE_URL": url}
        results["http"]["validate_insert_outbox_post"] = http_endpoint(
            "bench.baseline_app:create_outbox_app()",
            "/records",
            env,
            seconds,
            concurrency,
            logs,
            post=True,
        )
    return results
