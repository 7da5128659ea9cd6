"""Where the machine's CPU went during a phase: platform processes, their database backends,
the broker, the benchmark's own driver, and everything else on the machine."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import psutil

from bench import platform as bp


def _group(info: dict[str, Any], names: dict[int, str], databases: dict[str, str]) -> str:
    pid, parent = info["pid"], info["ppid"]
    if pid in names:
        return names[pid]
    if parent in names:
        return f"{names[parent]} (worker)"
    command = " ".join(info["cmdline"] or [info["name"] or ""])
    if command.startswith("postgres:"):
        words = command.split()
        database = words[3] if len(words) > 3 else ""
        return f"postgres: {databases.get(database, 'other databases')}"
    if "beam.smp" in command:
        return "rabbitmq"
    if pid == os.getpid() or parent == os.getpid():
        return "benchmark driver"
    return "other processes"


def _reaped_group(info: dict[str, Any], group: str, names: dict[int, str]) -> str:
    """The group whose exited processes a parent reaped: gunicorn's recycled workers, closed
    PostgreSQL backends, the driver's finished helpers."""
    if info["pid"] in names:
        return f"{names[info['pid']]} (worker)"
    if group == "benchmark driver":
        return "other processes"
    return group if group.startswith("postgres") else "other processes"


def snapshot(platform: Any) -> dict[Any, tuple[str, float]]:
    """Return {key: (group, CPU seconds so far)} for every process on the machine.

    A process that exits between two snapshots would take its CPU with it: a gunicorn worker
    recycled after `max_requests`, a closed database connection. Its parent's reaped-children
    times keep it, so each parent also contributes a ("reaped", pid) entry to its children's
    group.
    """
    names = {pid: name for name, pid in bp.long_running(platform).items()}
    databases = {url.rsplit("/", 1)[1]: s for s, url in platform.database_urls.items()}
    seen: dict[Any, tuple[str, float]] = {}
    for process in psutil.process_iter(["pid", "ppid", "name", "cmdline", "cpu_times"]):
        info = process.info
        if info["cpu_times"] is None:
            continue
        times = info["cpu_times"]
        group = _group(info, names, databases)
        seen[info["pid"]] = (group, times.user + times.system)
        reaped = times.children_user + times.children_system
        if reaped:
            seen["reaped", info["pid"]] = (_reaped_group(info, group, names), reaped)
    return seen


def cpu_seconds(
    before: dict[Any, tuple[str, float]], after: dict[Any, tuple[str, float]]
) -> dict[str, float]:
    """Return CPU seconds used between two snapshots, by group, largest first."""
    used: Counter = Counter()
    for pid, (group, seconds) in after.items():
        used[group] += seconds - before.get(pid, (group, 0.0))[1]
    return {group: round(s, 1) for group, s in used.most_common() if s >= 0.05}


OUTSIDE = ("benchmark driver", "other processes")  # not the platform's cost


def per_child(used: dict[str, float], children: int) -> dict[str, Any]:
    """Return CPU milliseconds per child: the platform's (every service process, PostgreSQL and
    RabbitMQ), the driver's and the rest of the machine's, and the platform's split by group."""
    if not children:
        return {}
    platform = {g: s for g, s in used.items() if g not in OUTSIDE}

    def ms(seconds: float) -> float:
        return round(seconds * 1000 / children, 1)

    return {
        "platform_ms": ms(sum(platform.values())),
        "driver_ms": ms(used.get("benchmark driver", 0.0)),
        "other_ms": ms(used.get("other processes", 0.0)),
        "split_ms": {g: ms(s) for g, s in platform.items()},
    }
