"""Sampling profiles of the platform's processes with py-spy, summarised as top functions."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
IDLE = (
    "wait (threading.py",
    "select (selectors.py",
    "poll (selectors.py",
    "sleep",
    "accept",
    "_recv_into",
    "read (socket.py",
    "readinto (socket.py",
    "wait_for_tstate_lock",
)


def py_spy() -> str | None:
    """Return the py-spy executable, if installed (pip install py-spy)."""
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def start(pids: dict[str, int], seconds: float, folder: Path) -> list[subprocess.Popen]:
    """Record each process (and its forked workers) for `seconds` into folder/<name>.txt."""
    executable = py_spy()
    if executable is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    started = []
    for name, pid in pids.items():
        argv = [
            executable,
            "record",
            "--rate",
            "50",
            "--subprocesses",
            "--nonblocking",
            # Only threads holding the GIL: where the processes spend CPU, not where they wait.
            "--gil",
            "--duration",
            str(int(seconds)),
            "--format",
            "raw",
            "--output",
            str(folder / f"{name}.txt"),
            "--pid",
            str(pid),
        ]
        started.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return started


def _frames(stack: str) -> list[tuple[str, str]]:
    frames = []
    for raw in stack.split(";"):
        match = FRAME.match(raw.strip())
        if match:
            frames.append((match["function"], match["file"]))
    return frames


def _busy(stack: str) -> bool:
    leaf = stack.rsplit(";", 1)[-1]
    return not any(marker in leaf for marker in IDLE)


def summarise(path: Path, top: int = 12) -> dict[str, Any]:
    """Return busy-sample share by leaf function and by project function on the stack."""
    leaves: Counter = Counter()
    project: Counter = Counter()
    busy = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or not _busy(stack):
            continue
        n = int(count)
        busy += n
        frames = _frames(stack)
        if frames:
            leaves[f"{frames[-1][0]} ({Path(frames[-1][1]).name})"] += n
        seen = {
            f"{f} ({file.split('/work/main/')[-1]})"
            for f, file in frames
            if ("services/" in file or "shared/" in file) and "site-packages" not in file
        }
        for name in seen:
            project[name] += n
    share = lambda c: {k: round(v / busy, 3) for k, v in c.most_common(top)} if busy else {}  # noqa: E731
    return {"busy_samples": busy, "self": share(leaves), "project_inclusive": share(project)}


def finish(recorders: list[subprocess.Popen], folder: Path) -> dict[str, Any]:
    """Wait for the recorders and summarise every profile they wrote."""
    for recorder in recorders:
        try:
            recorder.wait(timeout=120)
        except subprocess.TimeoutExpired:
            recorder.terminate()
    return {path.stem: summarise(path) for path in sorted(folder.glob("*.txt"))}
