"""An HTTP load generator: keep-alive connections, fixed concurrency, a sample per request.

Each of `processes` forked processes runs concurrency / processes threads, so the generator is
not limited to one GIL. The same generator drives every endpoint of a run, so its own cost is
in every figure alike and ratios between them stay fair.
"""

from __future__ import annotations

import http.client
import itertools
import json
import multiprocessing
import resource
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bench.stats import latency_summary

# Errors that mean the server closed a keep-alive connection (worker recycled, idle timeout).
RECONNECT_ERRORS = (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine)


@dataclass
class Sample:
    """One request: when it started (wall clock), how long it took, its status, its kind."""

    started: float
    seconds: float
    status: int
    name: str


class HttpClient:
    """One keep-alive connection that records a sample for every request it makes."""

    def __init__(self, host: str, port: int, samples: list[Sample] | None = None) -> None:
        self.host, self.port = host, port
        self.samples = samples if samples is not None else []
        self._connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        name: str = "",
    ) -> tuple[int, bytes]:
        """Send one request (reconnecting once if the server closed the connection)."""
        started, begin = time.time(), time.perf_counter()
        try:
            status, data = self._send(method, path, body, headers or {})
        except RECONNECT_ERRORS:
            self.close()
            try:
                status, data = self._send(method, path, body, headers or {})
            except OSError:
                self.close()
                status, data = 0, b""
        except OSError:
            self.close()
            status, data = 0, b""
        self.samples.append(Sample(started, time.perf_counter() - begin, status, name or method))
        return status, data

    def call(
        self, method: str, path: str, payload: Any = None, token: str = "", name: str = ""
    ) -> tuple[int, Any]:
        """Send JSON (if any) with a bearer token and return (status, decoded JSON or None)."""
        headers = {"Accept": "application/json"}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, data = self.request(method, path, body, headers, name)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self._connection.request(method, path, body=body, headers=headers)
        response = self._connection.getresponse()
        data = response.read()
        if response.will_close:
            self.close()
        return response.status, data

    def close(self) -> None:
        """Drop the connection; the next request opens a new one."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


Action = Callable[[HttpClient, int], None]


@dataclass
class LoadResult:
    """What a load run measured (samples inside the measured window only)."""

    seconds: float
    samples: list[Sample]
    client_cpu_seconds: float
    concurrency: int
    statuses: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Completed requests per second over the measured window."""
        return len(self.samples) / self.seconds if self.seconds > 0 else 0.0

    def summary(self, name: str | None = None) -> dict[str, Any]:
        """Return rate, latency percentiles and status counts (of one kind of request)."""
        samples = [s for s in self.samples if name is None or s.name == name]
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "requests": len(samples),
            "rate_per_s": round(len(samples) / self.seconds, 1) if self.seconds else 0.0,
            "latency": latency_summary([s.seconds for s in samples]),
            "statuses": dict(Counter(str(s.status) for s in samples)),
            "client_cpu_seconds": round(self.client_cpu_seconds, 2),
        }


def _thread(
    host: str, port: int, action: Action, indices: Iterable[int], stop_at: float, out: list[Sample]
) -> None:
    client = HttpClient(host, port, out)
    for index in indices:
        if time.time() >= stop_at:
            break
        action(client, index)
    client.close()


def _process(
    host: str, port: int, action: Action, slots: list[int], plan: dict[str, Any], results: Any
) -> None:
    samples: list[list[Sample]] = [[] for _ in slots]
    step, count = plan["concurrency"], plan["count"]
    threads = []
    for slot, out in zip(slots, samples, strict=True):
        indices = range(slot, count, step) if count else itertools.count(slot, step)
        args = (host, port, action, indices, plan["stop_at"], out)
        threads.append(threading.Thread(target=_thread, args=args, daemon=True))
    time.sleep(max(0.0, plan["start_at"] - time.time()))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    flat = [(s.started, s.seconds, s.status, s.name) for out in samples for s in out]
    results.put((usage.ru_utime + usage.ru_stime, flat))


def run_load(
    host: str,
    port: int,
    action: Action,
    concurrency: int = 16,
    duration: float | None = 10.0,
    count: int | None = None,
    warmup: float = 1.0,
    processes: int = 2,
) -> LoadResult:
    """Run `action(client, index)` from `concurrency` threads for a duration or a count."""
    processes = max(1, min(processes, concurrency))
    start_at = time.time() + 0.5
    stop_at = start_at + warmup + duration if duration else float("inf")
    plan = {
        "concurrency": concurrency,
        "count": count or 0,
        "start_at": start_at,
        "stop_at": stop_at,
    }
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = []
    for p in range(processes):
        slots = list(range(p, concurrency, processes))
        args = (host, port, action, slots, plan, results)
        workers.append(context.Process(target=_process, args=args, daemon=True))
    for worker in workers:
        worker.start()
    gathered = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return _result(gathered, start_at, warmup if not count else 0.0, stop_at, concurrency)


def _result(
    gathered: list[tuple[float, list[tuple]]],
    start_at: float,
    warmup: float,
    stop_at: float,
    concurrency: int,
) -> LoadResult:
    cpu = sum(g[0] for g in gathered)
    samples = [Sample(*row) for g in gathered for row in g[1]]
    window_start = start_at + warmup
    kept = [s for s in samples if s.started >= window_start]
    if kept:
        window_end = min(stop_at, max(s.started + s.seconds for s in kept))
        window_start = min(s.started for s in kept) if not warmup else window_start
    else:
        window_end = window_start
    result = LoadResult(max(window_end - window_start, 1e-9), kept, cpu, concurrency)
    result.statuses = Counter(s.status for s in kept)
    return result
