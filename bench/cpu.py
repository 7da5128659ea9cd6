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


def snapshot(platform: Any) -> dict[int, tuple[str, float]]:
    """Return {pid: (group, CPU seconds so far)} for every process on the machine."""
    names = {pid: name for name, pid in bp.long_running(platform).items()}
    databases = {url.rsplit("/", 1)[1]: s for s, url in platform.database_urls.items()}
    seen = {}
    for process in psutil.process_iter(["pid", "ppid", "name", "cmdline", "cpu_times"]):
        info = process.info
        if info["cpu_times"] is None:
            continue
        times = info["cpu_times"]
        seen[info["pid"]] = (_group(info, names, databases), times.user + times.system)
    return seen


def cpu_seconds(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """Return CPU seconds used between two snapshots, by group, largest first."""
    used: Counter = Counter()
    for pid, (group, seconds) in after.items():
        used[group] += seconds - before.get(pid, (group, 0.0))[1]
    return {group: round(s, 1) for group, s in used.most_common() if s >= 0.05}
