"""Free TCP ports for servers a test starts, chosen where no outgoing connection can take them.

A port the kernel hands out for `bind(("127.0.0.1", 0))` comes from the range it also uses for
the local side of outgoing connections. Between choosing such a port and the server binding it,
any connection the run opens (parallel workers' platforms talk to PostgreSQL and RabbitMQ all
the time) may be given that port, and the server fails with "Address already in use". Ports below
that range are only ever taken by a bind, so they are chosen there, at random, each checked free.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 10_000  # above the ports people give servers by hand (8000-8005 for run-local, …)
_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_given: set[int] = set()  # never hand the same port out twice in one process


def outgoing_start() -> int:
    """Where the kernel's range for outgoing connections' local ports starts (Linux's default
    if unknown)."""
    try:
        return int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int, rng: random.Random | None = None) -> list[int]:
    """Return `count` different ports nothing listens on now, below the outgoing range."""
    rng = rng or random.SystemRandom()
    low = outgoing_start()
    if low - LOWEST < 1_000:  # a machine whose outgoing range starts low: let the kernel choose
        return [_kernel_port() for _ in range(count)]
    ports: list[int] = []
    for _ in range(count * 200):
        if len(ports) == count:
            break
        port = rng.randrange(LOWEST, low)
        if port not in _given and _bindable(port):
            _given.add(port)
            ports.append(port)
    if len(ports) < count:
        raise RuntimeError(f"no {count} free ports between {LOWEST} and {low}")
    return ports


def free_port() -> int:
    """Return one port nothing listens on now, below the outgoing range."""
    return free_ports(1)[0]


def _kernel_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
