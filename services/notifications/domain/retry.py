"""What to do after a gateway answer: done, retry with back-off, ask for the status, or fail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Gateway outcomes of one send attempt.
ACCEPTED = "accepted"
TRANSIENT = "transient_error"
PERMANENT = "permanent_error"
UNKNOWN = "unknown"
OUTCOMES = (ACCEPTED, TRANSIENT, PERMANENT, UNKNOWN)

# Decisions for the sender loop.
MARK_SENT = "mark_sent"
RETRY = "retry"
RESOLVE = "resolve"
FAIL = "fail"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with full jitter, bounded by a number of attempts."""

    max_attempts: int = 6
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0

    def delay(self, attempt: int, rand: Callable[[], float]) -> float:
        """Return the wait after failed attempt number `attempt` (1-based), jittered."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return ceiling * rand()


@dataclass(frozen=True)
class Decision:
    """The sender's next step for one notification."""

    action: str
    at: datetime | None = None
    reason: str | None = None


def decide(
    outcome: str,
    attempts: int,
    now: datetime,
    policy: RetryPolicy,
    rand: Callable[[], float],
    detail: str = "",
) -> Decision:
    """Turn the outcome of attempt number `attempts` into the next step."""
    if outcome == ACCEPTED:
        return Decision(MARK_SENT)
    if outcome == PERMANENT:
        return Decision(FAIL, reason=detail or "rejected by the gateway")
    at = now + timedelta(seconds=policy.delay(attempts, rand))
    if outcome == UNKNOWN:
        # An unclear outcome may already be an SMS on its way: ask before sending again.
        return Decision(RESOLVE, at=at, reason=detail or None)
    if attempts >= policy.max_attempts:
        return Decision(FAIL, reason=_gave_up(attempts, detail))
    return Decision(RETRY, at=at, reason=detail or None)


def _gave_up(attempts: int, detail: str) -> str:
    """Word the failure reason after the last attempt."""
    return f"gave up after {attempts} attempts" + (f": {detail}" if detail else "")


# What a gateway says when asked about a transaction after a timeout.
QUERY_ACCEPTED = "accepted"
QUERY_DELIVERED = "delivered"
QUERY_FAILED = "failed"
QUERY_NOT_FOUND = "not_found"
QUERY_UNKNOWN = "unknown"

MARK_DELIVERED = "mark_delivered"


def decide_after_query(
    status: str,
    attempts: int,
    queries: int,
    now: datetime,
    policy: RetryPolicy,
    rand: Callable[[], float],
    detail: str = "",
) -> Decision:
    """Decide after asking the gateway about a send whose outcome was unclear."""
    if status == QUERY_ACCEPTED:
        return Decision(MARK_SENT)
    if status == QUERY_DELIVERED:
        return Decision(MARK_DELIVERED)
    if status == QUERY_FAILED:
        return Decision(FAIL, reason="the gateway reports the message failed")
    if status == QUERY_NOT_FOUND:
        # The gateway never got it, so sending again cannot make a second SMS.
        if attempts >= policy.max_attempts:
            return Decision(FAIL, reason=_gave_up(attempts, "gateway timeouts"))
        return Decision(RETRY, at=now)
    if queries >= policy.max_attempts:
        why = "the gateway never answered a status query"
        return Decision(FAIL, reason=f"{why}: {detail}" if detail else why)
    return Decision(RESOLVE, at=now + timedelta(seconds=policy.delay(queries, rand)))


_TRANSIENT_CODES = frozenset({401, 402, 403, 408, 425, 429})


def classify_status_code(code: int) -> str:
    """Classify an HTTP answer of a gateway by its status code alone."""
    if 200 <= code < 300 or code == 409:
        # 409: the gateway already has this transaction id, i.e. it accepted it before.
        return ACCEPTED
    if code >= 500 or code in _TRANSIENT_CODES:
        # Auth and balance problems are the operator's to fix; the message itself is fine.
        return TRANSIENT
    if 400 <= code < 500:
        return PERMANENT
    return UNKNOWN
