"""Closed-loop referral states, the actions between them and their FHIR Task statuses."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from shared.vocabulary import OPEN_REFERRAL_STATUSES, PLACE_TAKING_STATUSES

from .errors import InvalidInput, TransitionNotAllowed


class Status(StrEnum):
    """Where a referral stands (the values are shared.vocabulary.REFERRAL_STATUSES)."""

    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Action(StrEnum):
    """What a provider, a case manager or the deadline timer does to a referral."""

    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


class DeclineReason(StrEnum):
    """Coded reasons a provider gives when it declines."""

    NO_CAPACITY = "no_capacity"
    OUTSIDE_AREA = "outside_area"
    NOT_ELIGIBLE = "not_eligible"
    FAMILY_UNREACHABLE = "family_unreachable"
    OTHER = "other"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.SENT, Action.ACCEPT): Status.ACCEPTED,
    (Status.SENT, Action.DECLINE): Status.DECLINED,
    (Status.SENT, Action.EXPIRE): Status.EXPIRED,
    (Status.SENT, Action.CANCEL): Status.CANCELLED,
    (Status.ACCEPTED, Action.START): Status.IN_PROGRESS,
    (Status.ACCEPTED, Action.CANCEL): Status.CANCELLED,
    (Status.IN_PROGRESS, Action.COMPLETE): Status.COMPLETED,
    (Status.IN_PROGRESS, Action.CANCEL): Status.CANCELLED,
}

# Who may take each action: the provider answers and runs the service, the case manager (or an
# admin) cancels, and expiry belongs to the deadline timer alone.
ACTORS: dict[Action, frozenset[str]] = {
    Action.ACCEPT: frozenset({"provider"}),
    Action.DECLINE: frozenset({"provider"}),
    Action.START: frozenset({"provider"}),
    Action.COMPLETE: frozenset({"provider"}),
    Action.CANCEL: frozenset({"case_manager", "admin"}),
    Action.EXPIRE: frozenset(),
}

# HL7 FHIR R4 Task.status codes, so a later export can speak FHIR without a lookup elsewhere.
FHIR_TASK_STATUS: dict[Status, str] = {
    Status.SENT: "requested",
    Status.ACCEPTED: "accepted",
    Status.DECLINED: "rejected",
    Status.EXPIRED: "failed",
    Status.IN_PROGRESS: "in-progress",
    Status.COMPLETED: "completed",
    Status.CANCELLED: "cancelled",
}

OPEN_STATES: frozenset[Status] = frozenset(map(Status, OPEN_REFERRAL_STATUSES))
PLACE_TAKING_STATES: frozenset[Status] = frozenset(map(Status, PLACE_TAKING_STATUSES))
FINAL_STATES: frozenset[Status] = frozenset(Status) - OPEN_STATES


def next_status(current: str, action: str) -> Status:
    """Return the state `action` leads to from `current`, or raise TransitionNotAllowed."""
    try:
        key = (Status(current), Action(action))
    except ValueError as exc:
        raise TransitionNotAllowed(str(current), str(action)) from exc
    if key not in TRANSITIONS:
        raise TransitionNotAllowed(key[0].value, key[1].value)
    return TRANSITIONS[key]


def allowed_actions(current: str) -> list[Action]:
    """List the actions possible from `current`, in declaration order."""
    status = Status(current)
    return [action for (state, action) in TRANSITIONS if state is status]


def actions_for(current: str, role: str, start_date: date | None, today: date) -> list[Action]:
    """List what a user of `role` may do now: the state and role allow it, the day has come."""
    return [
        action
        for action in allowed_actions(current)
        if role in ACTORS[action] and not (action is Action.START and too_early(start_date, today))
    ]


def too_early(start_date: date | None, today: date) -> bool:
    """Tell whether a service accepted to begin on `start_date` cannot start yet on `today`."""
    return start_date is not None and today < start_date


def fhir_status(status: str) -> str:
    """Return the FHIR Task status code for a referral state."""
    return FHIR_TASK_STATUS[Status(status)]


def is_open(status: str) -> bool:
    """Tell whether a referral in `status` still awaits an end."""
    return Status(status) in OPEN_STATES


def check_decline(reason: str, note: str | None) -> DeclineReason:
    """Validate a decline's coded reason and note; `other` must explain itself."""
    try:
        code = DeclineReason(reason)
    except ValueError:
        choices = ", ".join(r.value for r in DeclineReason)
        raise InvalidInput({"reason": [f"Must be one of: {choices}."]}) from None
    if code is DeclineReason.OTHER and not (note or "").strip():
        raise InvalidInput({"note": ["A note is required when the reason is 'other'."]})
    return code
