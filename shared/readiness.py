"""Readiness: can this service reach its database and its broker right now?"""

from __future__ import annotations

import os
import threading
import time

from shared.messaging.connection import connect, ensure_connected, is_server
from shared.runtime import Runtime

_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()
CACHE_SECONDS = 2.0


def _broker_status(broker_url: str) -> str:
    if not is_server(broker_url):
        folder = broker_url.split("://", 1)[1]
        os.makedirs(folder, exist_ok=True)
        return (
            "ok"
            if os.path.isdir(folder) and os.access(folder, os.W_OK)
            else "broker folder missing"
        )
    with _lock:
        cached = _cache.get(broker_url)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
    connection = connect(broker_url)
    try:
        ensure_connected(connection, timeout=2)
        status = "ok"
    except Exception as exc:
        status = f"unreachable ({type(exc).__name__})"
    finally:
        connection.release()
    with _lock:
        _cache[broker_url] = (time.monotonic(), status)
    return status


def required(runtime: Runtime) -> set[str]:
    """The dependencies whose failure makes /readyz answer 503 (READINESS_REQUIRES).

    Both by default, as the contract has it. Kubernetes sets `database` only: an API whose
    broker is away still accepts work (its events wait in the outbox), so a broker outage must
    not take every API pod out of its Service.
    """
    raw = runtime.settings.get("READINESS_REQUIRES", "database,broker")
    return {name.strip() for name in raw.split(",") if name.strip()}


def check_ready(runtime: Runtime) -> dict[str, str]:
    """The status of each dependency: 'ok' or why not."""
    try:
        runtime.db.ping()
        database = "ok"
    except Exception as exc:
        database = f"unreachable ({type(exc).__name__})"
    return {"database": database, "broker": _broker_status(runtime.settings.broker_url)}
