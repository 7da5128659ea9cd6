"""One child's story across the services, as one list of dated steps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Record = Mapping[str, Any]

# Referral fields that date each step, with the kind of step they mark.
REFERRAL_STEPS = (
    ("sent_at", "referral_sent"),
    ("accepted_at", "referral_accepted"),
    ("started_at", "referral_started"),
    ("completed_at", "referral_completed"),
    ("expired_at", "referral_expired"),
    ("cancelled_at", "referral_cancelled"),
)
_LAST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """One step: when, what kind, which service said so, and what to show."""

    at: datetime | None
    kind: str
    source: str
    data: Mapping[str, Any] = field(default_factory=dict)


def parse_time(value: Any) -> datetime | None:
    """Return an aware datetime from an ISO 8601 string (dates count as midnight UTC)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def intake_entries(child: Record) -> list[Entry]:
    """Registration and the screening done with it."""
    at = parse_time(child.get("registered_at"))
    screening = child.get("screening") or {}
    entries = [Entry(at, "registered", "intake", {"by": child.get("registered_by") or {}})]
    if screening:
        entries.append(Entry(at, "screening", "intake", screening))
    return entries


def assessment_entries(assessment: Record) -> list[Entry]:
    """Waiting, scheduled, completed or cancelled: the steps of one assessment."""
    status = assessment.get("status")
    entries: list[Entry] = []
    if status == "pending":
        entries.append(
            Entry(
                parse_time(assessment.get("created_at")), "assessment_due", "assessment", assessment
            )  # fmt: skip
        )
    if assessment.get("scheduled_for"):
        at = parse_time(assessment.get("scheduled_for"))
        entries.append(Entry(at, "assessment_scheduled", "assessment", assessment))
    if status == "completed":
        at = parse_time(assessment.get("completed_at"))
        entries.append(Entry(at, "assessment_completed", "assessment", assessment))
    if status == "cancelled":
        at = parse_time(assessment.get("updated_at"))
        entries.append(Entry(at, "assessment_cancelled", "assessment", assessment))
    return entries


def referral_entries(referral: Record) -> list[Entry]:
    """A referral sent, and each answer or step that followed."""
    entries = []
    for key, kind in REFERRAL_STEPS:
        if referral.get(key):
            entries.append(Entry(parse_time(referral[key]), kind, "referral", referral))
    if referral.get("status") == "declined":
        at = parse_time(referral.get("answered_at"))
        entries.append(Entry(at, "referral_declined", "referral", referral))
    return entries


def sms_entry(notification: Record) -> Entry:
    """An SMS to the family (or a provider) with its delivery status."""
    at = parse_time(notification.get("sent_at")) or parse_time(notification.get("created_at"))
    return Entry(at, "sms", "notifications", notification)


def reply_entry(reply: Record) -> Entry:
    """A family's SMS reply."""
    return Entry(parse_time(reply.get("received_at")), "reply", "notifications", reply)


def build_timeline(
    child: Record | None = None,
    assessments: Iterable[Record] | None = None,
    referrals: Iterable[Record] | None = None,
    notifications: Iterable[Record] | None = None,
    replies: Iterable[Record] | None = None,
) -> list[Entry]:
    """Merge what each service knows into one list, oldest first; None means not known."""
    entries: list[Entry] = list(intake_entries(child)) if child else []
    for assessment in assessments or ():
        entries.extend(assessment_entries(assessment))
    for referral in referrals or ():
        entries.extend(referral_entries(referral))
    entries.extend(sms_entry(n) for n in notifications or ())
    entries.extend(reply_entry(r) for r in replies or ())
    return sorted(entries, key=lambda e: e.at or _LAST)


def unanswered_replies(
    replies: Iterable[Record], answered_after: Mapping[str, datetime | None]
) -> dict[str, int]:
    """Count per child the replies kept for the case manager since the last SMS to the family."""
    counts: dict[str, int] = {}
    for reply in replies:
        child_id = reply.get("child_id")
        if not child_id or reply.get("action") != "recorded":
            continue
        since = answered_after.get(child_id)
        received = parse_time(reply.get("received_at"))
        if since is None or (received is not None and received > since):
            counts[child_id] = counts.get(child_id, 0) + 1
    return counts
