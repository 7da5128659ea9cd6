"""A child's current stage, from the first time of each stage in the report's read model."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

# The stages a child's row dates, in chain order (a later one wins a tie).
CHAIN = (
    "registered", "scheduled", "assessed", "referred", "accepted", "started", "completed",
    "declined", "expired",
)  # fmt: skip
# Every time the read model keeps for a child (with_difficulty and left_waitlist date no stage).
TIMES = (*CHAIN, "with_difficulty", "waitlisted", "left_waitlist")


def current_stage(times: Mapping[str, datetime | None]) -> str:
    """The stage a child is at now: on the waiting list, else the most recently reached stage."""
    if times.get("waitlisted") and not times.get("left_waitlist"):
        return "waitlisted"
    reached = [(at, CHAIN.index(name), name) for name in CHAIN if (at := times.get(name))]
    return max(reached)[2] if reached else "registered"
