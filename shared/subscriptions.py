"""Which service consumes which event types: the platform's subscription table, as data.

Every process declares the whole table at start (see messaging.topology), so a publisher can
route to every consumer's queue even on kombu's server-less transports, which keep bindings per
process. Each service's handler registry is checked against its row by a test.
"""

from __future__ import annotations

_CHILD = (
    "child.registered",
    "child.updated",
    "child.consent_withdrawn",
    "child.corrected",
    "child.merged",
)

SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "intake": (),
    "assessment": (*_CHILD, "family.replied", "family.reply_answered"),
    "referral": (
        *_CHILD,
        "assessment.scheduled",
        "assessment.completed",
        "provider.inspected",
        "contract.signed",
        "contract.changed",
    ),
    "notifications": (
        *_CHILD,
        "assessment.scheduled",
        "assessment.completed",
        "referral.sent",
        "referral.reminder",
        "referral.accepted",
        "referral.declined",
        "referral.expired",
        "referral.waitlisted",
        "referral.completed",
        "referral.cancelled",
        "care_plan.review_scheduled",
        "care_plan.reviewed",
    ),
    # Standards, inspections and contracts: quality consumes nothing; referral follows it.
    "quality": (),
}

SERVICES = tuple(SUBSCRIPTIONS)


def consumers_of(event_type: str) -> list[str]:
    """The services whose queues receive an event type."""
    return [service for service, types in SUBSCRIPTIONS.items() if event_type in types]


def is_routed(event_type: str) -> bool:
    """True when some service consumes this event type (so an unroutable publish is an error)."""
    return bool(consumers_of(event_type))
