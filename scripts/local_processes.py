"""Start, watch and stop the local run's child processes (used by run_local.py)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

STOP_TIMEOUT = 25.0


@dataclass
class Child:
    name: str
    argv: list[str]
    log: Path
    popen: subprocess.Popen | None = None


def _die_with_parent() -> None:
    # Linux: a child gets SIGTERM if the supervisor itself is killed, so nothing is orphaned.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def tail(path: Path, lines: int = 25) -> str:
    """Return the last lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start(child: Child, env: dict[str, str], cwd: Path, started: list[Child]) -> Child:
    """Start one process with its output going to its log file and remember it in started."""
    with child.log.open("w") as log:
        child.popen = subprocess.Popen(
            child.argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only the supervisor, which stops children
            preexec_fn=_die_with_parent,
        )
    started.append(child)
    return child


def run_steps(steps: list[Child], env: dict[str, str], cwd: Path, started: list[Child]) -> None:
    """Run one-shot steps in parallel and exit with their log if any of them fails."""
    for step in steps:
        start(step, env, cwd, started)
    for step in steps:
        if step.popen.wait() != 0:
            raise SystemExit(f"error: {step.name} failed (log: {step.log}):\n{tail(step.log)}")


def check_alive(children: list[Child]) -> None:
    """Exit with the log of the first process that stopped on its own."""
    for child in children:
        if child.popen.poll() is not None:
            raise SystemExit(
                f"error: {child.name} exited with code {child.popen.returncode} "
                f"(log: {child.log}):\n{tail(child.log)}"
            )


def stop_all(children: list[Child], timeout: float = STOP_TIMEOUT) -> None:
    """Send SIGTERM to every process group, then SIGKILL what is left after a deadline."""
    running = [c for c in children if c.popen and c.popen.poll() is None]
    for child in running:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in running:
        try:
            child.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{child.name} did not stop in {timeout:.0f} s; killing it", flush=True)
        _signal_group(child, signal.SIGKILL)  # also ends stray grandchildren
        child.popen.wait()


def _signal_group(child: Child, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.popen.pid, signum)
