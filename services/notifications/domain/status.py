"""Notification statuses, the moves allowed between them, and delivery-receipt mapping."""

from __future__ import annotations

from dataclasses import dataclass

PENDING = "pending"
HELD = "held"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
CANCELLED = "cancelled"

STATUSES = (PENDING, HELD, SENT, DELIVERED, FAILED, CANCELLED)
TERMINAL = frozenset({DELIVERED, FAILED, CANCELLED})

# Held goes back to pending when its window opens; a receipt may overtake our own "sent".
_ALLOWED: dict[str, frozenset[str]] = {
    PENDING: frozenset({HELD, SENT, DELIVERED, FAILED, CANCELLED}),
    HELD: frozenset({PENDING, FAILED, CANCELLED}),
    SENT: frozenset({DELIVERED, FAILED}),
    DELIVERED: frozenset(),
    FAILED: frozenset(),
    CANCELLED: frozenset(),
}


class StatusError(ValueError):
    """A status move that would go backwards or out of a terminal status."""


def can_move(current: str, new: str) -> bool:
    """Tell whether a notification may move from `current` to `new`."""
    if current not in _ALLOWED or new not in _ALLOWED:
        raise StatusError(f"unknown status {current!r} or {new!r}")
    return new in _ALLOWED[current]


def move(current: str, new: str) -> str:
    """Return the new status, or raise StatusError when the move is not allowed."""
    if not can_move(current, new):
        raise StatusError(f"cannot move a notification from {current} to {new}")
    return new


def is_terminal(status: str) -> bool:
    """Tell whether a status is final (delivered, failed, cancelled)."""
    return status in TERMINAL


@dataclass(frozen=True)
class Receipt:
    """A gateway receipt reduced to a platform status (None: tells us nothing new)."""

    status: str | None
    reason: str | None = None


_GENERIC = {
    "delivered": Receipt(DELIVERED),
    "accepted": Receipt(SENT),
    "sent": Receipt(SENT),
    "failed": Receipt(FAILED, "failed"),
    "expired": Receipt(FAILED, "expired"),
    "undeliverable": Receipt(FAILED, "undeliverable"),
    "rejected": Receipt(FAILED, "rejected"),
}
_SMPP = {
    "DELIVRD": Receipt(DELIVERED),
    "ACCEPTD": Receipt(SENT),
    "ENROUTE": Receipt(SENT),
    "EXPIRED": Receipt(FAILED, "expired"),
    "DELETED": Receipt(FAILED, "deleted"),
    "UNDELIV": Receipt(FAILED, "undeliverable"),
    "REJECTD": Receipt(FAILED, "rejected"),
    "UNKNOWN": Receipt(None),
}
RECEIPT_VALUES = tuple(_GENERIC) + tuple(_SMPP)


def map_receipt(value: str) -> Receipt:
    """Map a generic receipt word or an SMPP `stat:` code onto a platform status."""
    word = value.strip()
    if word.lower().startswith("stat:"):
        word = word[5:].strip()
    receipt = _GENERIC.get(word.lower()) or _SMPP.get(word.upper())
    if receipt is None:
        raise ValueError(f"unknown receipt status {value!r}")
    return receipt


def receipt_move(current: str, receipt: Receipt) -> str | None:
    """Return the status a receipt moves to, or None when it must be ignored."""
    if receipt.status is None or receipt.status == current:
        return None
    return receipt.status if can_move(current, receipt.status) else None
