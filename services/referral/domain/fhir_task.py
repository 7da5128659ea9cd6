"""The HL7 FHIR R4 Task state machine, to check that referral states map onto it without a gap.

The referral's own mapping onto Task.status is `states.FHIR_TASK_STATUS` (the one mapping).
"""

from __future__ import annotations

from .states import FHIR_TASK_STATUS, TRANSITIONS, Status

# R4 Task.status moves (hl7.org/fhir/R4/task.html#statemachine). `received` (a performer is
# weighing the request) is optional: a request may be accepted or rejected directly.
TASK_MOVES: dict[str, frozenset[str]] = {
    "draft": frozenset({"requested", "cancelled", "entered-in-error"}),
    "requested": frozenset({"received", "accepted", "rejected", "cancelled", "failed"}),
    "received": frozenset({"accepted", "rejected", "cancelled", "failed"}),
    "accepted": frozenset({"ready", "in-progress", "cancelled", "failed"}),
    "ready": frozenset({"in-progress", "cancelled", "failed"}),
    "in-progress": frozenset({"on-hold", "completed", "cancelled", "failed"}),
    "on-hold": frozenset({"in-progress", "cancelled", "failed"}),
    "rejected": frozenset(),
    "cancelled": frozenset(),
    "completed": frozenset(),
    "failed": frozenset(),
    "entered-in-error": frozenset(),
}
TERMINAL = frozenset(code for code, moves in TASK_MOVES.items() if not moves)


def task_move_allowed(current: str, new: str) -> bool:
    """Tell whether Task.status may move from `current` to `new`."""
    return new in TASK_MOVES.get(current, frozenset())


def unmapped_moves() -> list[tuple[Status, Status]]:
    """Referral moves whose Task statuses would be an illegal Task move (empty: no gap)."""
    return [
        (before, after)
        for (before, _action), after in TRANSITIONS.items()
        if not task_move_allowed(FHIR_TASK_STATUS[before], FHIR_TASK_STATUS[after])
    ]


def referral_path(history: list[str]) -> list[str]:
    """Map a referral's status history onto Task statuses (ValueError on a gap)."""
    tasks = [FHIR_TASK_STATUS[Status(status)] for status in history]
    for before, after in zip(tasks, tasks[1:], strict=False):
        if not task_move_allowed(before, after):
            raise ValueError(f"Task cannot move from {before} to {after}")
    return tasks
