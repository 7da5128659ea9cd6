"""The platform under test: the end-to-end harness's eight processes, plus what a run needs
around them (production gunicorn settings, extra worker processes, tokens, providers)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bench.loadgen import HttpClient
from bench.pgactivity import StandInAutovacuum
from bench.servers import postgres_url, rabbitmq_url
from shared.districts import DISTRICTS
from shared.event_payloads import SERVICE_TYPES
from shared.messaging.connection import connect
from shared.messaging.topology import Names
from shared.testing.platform import Platform

SERVICES = ("intake", "assessment", "referral", "notifications")
# docker-compose.yml's own defaults: the harness trims workers for tests, a benchmark must not.
PRODUCTION_SETTINGS = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}
PROVIDER_PLACES = 10_000  # the API's upper bound; every child must find a place


@contextlib.contextmanager
def running(workdir: Path, workers: int = 1, **settings: str) -> Iterator[Platform]:
    """Start the platform with `workers` worker processes per service; always tear it down."""
    workdir.mkdir(parents=True, exist_ok=True)
    platform = Platform(
        postgres_url(), rabbitmq_url(), workdir, **{**PRODUCTION_SETTINGS, **settings}
    )
    try:
        platform.up()
        add_workers(platform, workers)
        with StandInAutovacuum(platform.database_urls):
            yield platform
    finally:
        platform.down()


def add_workers(platform: Platform, total: int) -> None:
    """Run `total` worker processes per service (the harness starts one of each)."""
    for service in SERVICES:
        first = platform.processes[f"{service}-worker"]
        for number in range(2, total + 1):
            name = f"{service}-worker-{number}"
            if name in platform.processes:
                continue
            log = first.log.with_name(f"{name}.log")
            platform.processes[name] = dataclasses.replace(first, name=name, log=log, popen=None)
            platform.start(name)


def worker_count(platform: Platform) -> int:
    """Return how many worker processes each service runs."""
    return sum(1 for name in platform.processes if name.startswith("intake-worker"))


def long_running(platform: Platform) -> dict[str, int]:
    """Return the pid of every API and worker process (migrations excluded)."""
    return {
        name: process.popen.pid
        for name, process in platform.processes.items()
        if process.popen is not None and not name.endswith("-migrate") and platform.alive(name)
    }


def queue_depths(platform: Platform, connection: Any) -> dict[str, int]:
    """Return ready messages in each service's main and dead-letter queue (passive declare)."""
    names = Names(platform.namespace)
    channel = connection.default_channel
    depths = {}
    for service in ("assessment", "referral", "notifications"):
        for queue in (names.queue(service), names.dead_queue(service)):
            try:
                depths[queue.removeprefix(platform.namespace + ".")] = channel.queue_declare(
                    queue, passive=True
                ).message_count
            except Exception:  # a queue this service does not have
                channel = connection.channel()
    return depths


def broker_connection() -> Any:
    """Return a kombu connection to the broker the platform uses."""
    return connect(rabbitmq_url())


def create_providers(platform: Platform, districts: list[str] | None = None) -> dict[str, str]:
    """Create one provider per district and service type; return {'district/type': id}."""
    client = HttpClient(*_host_port(platform.url("referral")))
    admin = platform.token("admin", sub="bench-admin")
    created = {}
    for code in districts or sorted(DISTRICTS):
        for kind in SERVICE_TYPES:
            status, body = client.call("POST", "/providers", _provider(code, kind), admin)
            if status != 201:
                raise RuntimeError(f"creating a provider failed: {status} {body}")
            created[f"{code}/{kind}"] = body["id"]
    client.close()
    return created


def _provider(code: str, kind: str) -> dict[str, Any]:
    district = DISTRICTS[code]
    return {
        "name": f"{kind.replace('_', ' ').title()} centre, {district.name_en}",
        "organisation": "NGO partner",
        "service_types": [kind],
        "districts_served": [code],
        "district_code": code,
        "address": f"{district.name_tg}",
        "phone": "+992 37 222 3344",
        "places": PROVIDER_PLACES,
        "min_age": 0,
        "max_age": 17,
        "languages": ["tg", "ru"],
        "accredited": True,
        "active": True,
        "last_inspection_date": date.today().isoformat(),
    }


def _host_port(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    return host, int(port)


def host_port(platform: Platform, service: str) -> tuple[str, int]:
    """Return (host, port) of a service's API."""
    return _host_port(platform.url(service))


def backlog(platform: Platform, connection: Any) -> int:
    """Return events still on their way: unsent outbox rows plus ready queue messages."""
    from bench.sampler import scrape  # the sampler imports this module

    pending = 0
    for service in SERVICES:
        client = HttpClient(*host_port(platform, service))
        pending += int(scrape(client).get("platform_outbox_pending", 0))
        client.close()
    depths = queue_depths(platform, connection)
    return pending + sum(v for k, v in depths.items() if not k.endswith(".dead"))


def wait_drained(platform: Platform, timeout: float = 300.0) -> float:
    """Wait until no event is pending anywhere (twice in a row); return the seconds it took."""
    import time

    connection = broker_connection()
    started = time.monotonic()
    quiet = 0
    try:
        while quiet < 2:
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"events still pending after {timeout:.0f} s")
            try:
                quiet = quiet + 1 if backlog(platform, connection) == 0 else 0
            except OSError:  # the broker restarted under us: ask again on a new connection
                connection.release()
                connection, quiet = broker_connection(), 0
            time.sleep(0.25)
    finally:
        connection.release()
    return time.monotonic() - started
