"""Once a second: outbox lag and pending events (/metrics), queue depths, RSS and CPU."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

import psutil

from bench import cpu
from bench import platform as bp
from bench.loadgen import HttpClient

METRIC_LINE = re.compile(r"^(platform_outbox_lag_seconds|platform_outbox_pending)\s+(\S+)$", re.M)


def process_memory(pids: dict[str, int]) -> dict[str, float]:
    """Return RSS in MB of each named process and, separately, of its largest child."""
    rss: dict[str, float] = {}
    for name, pid in pids.items():
        try:
            parent = psutil.Process(pid)
            rss[name] = parent.memory_info().rss / 2**20
            children = [c.memory_info().rss for c in parent.children(recursive=True)]
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if children:  # gunicorn: the master above, its workers here
            rss[f"{name} (worker)"] = max(children) / 2**20
    return rss


def scrape(client: HttpClient) -> dict[str, float]:
    """Return the outbox gauges of one service's /metrics."""
    status, body = client.request("GET", "/metrics", name="metrics")
    if status != 200:
        return {}
    return {name: float(value) for name, value in METRIC_LINE.findall(body.decode())}


class Sampler:
    """Samples the running platform in a thread until stopped."""

    def __init__(
        self,
        platform: Any,
        progress: Callable[[], dict[str, int]] | None = None,
        interval: float = 1.0,
    ) -> None:
        self.platform = platform
        self.progress = progress or dict
        self.interval = interval
        self.rows: list[dict[str, Any]] = []
        self.peak_rss: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._cpu_before = cpu.snapshot(self.platform)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu_seconds = cpu.cpu_seconds(self._cpu_before, cpu.snapshot(self.platform))

    def _run(self) -> None:
        clients = {s: HttpClient(*bp.host_port(self.platform, s)) for s in bp.SERVICES}
        connection = bp.broker_connection()
        psutil.cpu_percent()
        try:
            while not self._stop.wait(self.interval):
                self.rows.append(self._sample(clients, connection))
        finally:
            connection.release()

    def _sample(self, clients: dict[str, HttpClient], connection: Any) -> dict[str, Any]:
        row: dict[str, Any] = {"t": time.time(), "cpu_percent": psutil.cpu_percent()}
        for service, client in clients.items():
            gauges = scrape(client)
            row[f"{service}.outbox_lag_s"] = gauges.get("platform_outbox_lag_seconds")
            row[f"{service}.outbox_pending"] = gauges.get("platform_outbox_pending")
        try:
            depths = bp.queue_depths(self.platform, connection)
        except Exception:  # a broker hiccup must not end the run: keep the gap visible
            depths = {}
        row.update({f"queue.{name}": depth for name, depth in depths.items()})
        row.update(self.progress())
        for name, mb in process_memory(bp.long_running(self.platform)).items():
            self.peak_rss[name] = max(self.peak_rss.get(name, 0.0), mb)
        return row


def series_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the maximum of each sampled series and the last queue depths."""
    summary: dict[str, Any] = {"samples": len(rows)}
    if not rows:
        return summary
    keys = {k for row in rows for k in row if k.endswith(("outbox_lag_s", "outbox_pending"))}
    keys |= {k for row in rows for k in row if k.startswith("queue.")}
    for key in sorted(keys):
        values = [row[key] for row in rows if row.get(key) is not None]
        summary[f"max {key}"] = max(values) if values else None
    summary["max outbox_lag_s (any service)"] = max(
        (v for k, v in summary.items() if k.endswith("outbox_lag_s") and v is not None),
        default=None,
    )
    summary["last queue depths"] = {
        k: rows[-1].get(k) for k in sorted(keys) if k.startswith("queue.")
    }
    summary["mean cpu_percent"] = round(sum(r["cpu_percent"] for r in rows) / len(rows), 1)
    return summary
