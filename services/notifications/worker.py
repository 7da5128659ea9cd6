"""Notifications' worker: python -m services.notifications.worker (events, relay, timers)."""

from __future__ import annotations

import sys

from services.notifications.bootstrap import runtime_from
from services.notifications.handlers import HANDLERS, TIMERS
from shared.worker import run_worker


def main() -> int:
    """Run until SIGTERM."""
    return run_worker(runtime_from(), HANDLERS, TIMERS)


if __name__ == "__main__":
    sys.exit(main())
