"""Quality's worker: python -m services.quality.worker (events, outbox relay, timers)."""

from __future__ import annotations

import sys

from services.quality.bootstrap import runtime_from
from services.quality.handlers import HANDLERS, TIMERS
from shared.worker import run_worker


def main() -> int:
    """Run until SIGTERM."""
    return run_worker(runtime_from(), HANDLERS, TIMERS)


if __name__ == "__main__":
    sys.exit(main())
