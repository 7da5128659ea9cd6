"""Failed logins: slowed after a few, then locked for a while (per username, known or not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SLOW_AFTER = 3
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
MAX_DELAY_SECONDS = 4.0


@dataclass(frozen=True)
class AttemptState:
    """What is known about one username's recent failures."""

    failures: int = 0
    last_failure_at: datetime | None = None
    locked_until: datetime | None = None


def is_locked(state: AttemptState, now: datetime) -> bool:
    """True while the username is locked."""
    return state.locked_until is not None and now < state.locked_until


def after_failure(state: AttemptState, now: datetime) -> AttemptState:
    """Return the state after one more failed attempt."""
    stale = state.last_failure_at is None or now - state.last_failure_at > FORGET_AFTER
    failures = 1 if stale else state.failures + 1
    locked_until = now + LOCK_FOR if failures >= LOCK_AFTER else None
    return AttemptState(failures=failures, last_failure_at=now, locked_until=locked_until)


def delay_seconds(state: AttemptState) -> float:
    """Seconds to wait before answering a failed attempt: grows after SLOW_AFTER failures."""
    if state.failures < SLOW_AFTER:
        return 0.0
    return min(MAX_DELAY_SECONDS, 0.5 * 2 ** (state.failures - SLOW_AFTER))
