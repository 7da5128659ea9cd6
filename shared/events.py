"""The event envelope of the contract (§4), one marshmallow schema per event type and version."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from shared import event_payloads as p
from shared.plain_payloads import Check, compile_check

EXCHANGE = "platform.events"


class InvalidEvent(ValueError):
    """An event that does not match the envelope or its type's schema."""

    def __init__(self, reason: str, messages: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.messages = messages


class EnvelopeSchema(Schema):
    """The envelope every event travels in."""

    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    version = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    producer = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    correlation_id = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    causation_id = fields.Str(required=True, allow_none=True)
    payload = fields.Dict(required=True)


# (type, version) -> payload schema. Consumers look schemas up here; producers validate here.
REGISTRY: dict[tuple[str, int], type[Schema]] = {
    ("child.registered", 1): p.ChildRegistered,
    ("child.updated", 1): p.ChildUpdated,
    ("child.consent_withdrawn", 1): p.ChildConsentWithdrawn,
    ("child.corrected", 1): p.ChildCorrected,
    ("child.merged", 1): p.ChildMerged,
    ("assessment.scheduled", 1): p.AssessmentScheduled,
    ("assessment.completed", 1): p.AssessmentCompleted,
    ("referral.sent", 1): p.ReferralSent,
    ("referral.reminder", 1): p.ReferralReminder,
    ("referral.accepted", 1): p.ReferralAccepted,
    ("referral.declined", 1): p.ReferralDeclined,
    ("referral.expired", 1): p.ReferralExpired,
    ("referral.started", 1): p.ReferralStarted,
    ("referral.completed", 1): p.ReferralCompleted,
    ("referral.cancelled", 1): p.ReferralCancelled,
    ("referral.waitlisted", 1): p.ReferralWaitlisted,
    ("family.replied", 1): p.FamilyReplied,
    ("family.reply_answered", 1): p.FamilyReplyAnswered,
    ("care_plan.review_scheduled", 1): p.CarePlanReviewScheduled,
    ("care_plan.reviewed", 1): p.CarePlanReviewed,
    ("provider.inspected", 1): p.ProviderInspected,
    ("contract.signed", 1): p.ContractTerms,
    ("contract.changed", 1): p.ContractTerms,
    ("notification.sent", 1): p.NotificationStatus,
    ("notification.delivered", 1): p.NotificationStatus,
    ("notification.failed", 1): p.NotificationStatus,
}

_schemas: dict[tuple[str, int], tuple[Schema, Check | None]] = {}


def payload_schema(event_type: str, version: int = 1) -> Schema:
    """The payload schema of an event type and version (InvalidEvent when unknown)."""
    return _schema_and_check(event_type, version)[0]


def _schema_and_check(event_type: str, version: int) -> tuple[Schema, Check | None]:
    key = (event_type, version)
    found = _schemas.get(key)
    if found is None:
        if key not in REGISTRY:
            raise InvalidEvent(f"unknown event type or version: {event_type} v{version}")
        schema = REGISTRY[key]()
        found = _schemas[key] = (schema, compile_check(schema))
    return found


def payload_errors(event_type: str, version: int, payload: Any) -> dict[str, Any]:
    """The schema's messages about a payload, by field; empty when it is valid.

    A payload the plain check accepts is valid by the schema's rules without asking the schema
    (shared/plain_payloads.py); any other goes through the schema.
    """
    schema, plainly_valid = _schema_and_check(event_type, version)
    if plainly_valid is not None and plainly_valid(payload):
        return {}
    return schema.validate(payload)


def _only_unknown_fields(messages: Any) -> bool:
    if isinstance(messages, dict):
        return all(_only_unknown_fields(v) for v in messages.values())
    if isinstance(messages, list):
        return all(m == "Unknown field." for m in messages)
    return False


@dataclass(frozen=True)
class Event:
    """One event: what happened, to which child, caused by what."""

    id: str
    type: str
    version: int
    occurred_at: str
    producer: str
    correlation_id: str
    causation_id: str | None
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The envelope as a JSON-ready dict."""
        return asdict(self)

    def to_json(self) -> str:
        """The envelope as compact JSON text, UTF-8 as it is (no \\u escapes)."""
        # Every event is written once to an outbox: a shallow envelope, not asdict's deep copy,
        # and orjson, which writes the same text several times faster than json.
        envelope = {name: getattr(self, name) for name in _ENVELOPE_FIELDS}
        try:
            return orjson.dumps(envelope).decode()
        except TypeError:  # what orjson cannot write (an integer beyond 64 bits): json can
            return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


def make_event(
    event_type: str,
    payload: dict[str, Any],
    *,
    producer: str,
    correlation_id: str,
    causation_id: str | None = None,
    version: int = 1,
    occurred_at: datetime | None = None,
    event_id: str | None = None,
) -> Event:
    """Build an event, refusing a payload that does not match its schema exactly."""
    errors = payload_errors(event_type, version, payload)
    if errors:
        raise InvalidEvent(f"{event_type} v{version} payload is invalid: {errors}", errors)
    when = (occurred_at or datetime.now(UTC)).astimezone(UTC)
    return Event(
        id=event_id or str(uuid.uuid4()),
        type=event_type,
        version=version,
        occurred_at=when.isoformat(),
        producer=producer,
        correlation_id=str(correlation_id),
        causation_id=causation_id,
        payload=json.loads(json.dumps(payload, default=str)),
    )


# Built once: a schema instance keeps no state between loads, and building one is not cheap.
_ENVELOPE = EnvelopeSchema()
_ENVELOPE_FIELDS = tuple(_ENVELOPE.fields)


def parse_event(body: bytes | str | dict[str, Any]) -> Event:
    """Parse and validate a received event; newer producers' extra fields are tolerated."""
    try:
        # orjson reads what json reads, except NaN and Infinity (not JSON) and integers beyond
        # 64 bits, which it reads as floats: no producer of ours writes either.
        data = orjson.loads(body) if isinstance(body, bytes | str) else body
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidEvent("body is not a JSON object")
    if not _plainly_valid(data):
        try:
            _ENVELOPE.load(data)
        except ValidationError as exc:
            raise InvalidEvent(f"invalid envelope: {exc.messages}", exc.messages) from exc
    errors = payload_errors(data["type"], data["version"], data["payload"])
    if errors and not _only_unknown_fields(errors):
        raise InvalidEvent(f"invalid {data['type']} payload: {errors}", errors)
    return Event(**{k: data[k] for k in _ENVELOPE_FIELDS})


def parse_time(value: str) -> datetime:
    """Parse an ISO 8601 timestamp from a payload."""
    return datetime.fromisoformat(value)


_ENVELOPE_KEYS = frozenset(_ENVELOPE_FIELDS)


def _text(value: Any, longest: int) -> bool:
    return type(value) is str and 0 < len(value) <= longest


def _plainly_valid(data: dict[str, Any]) -> bool:
    """Whether the envelope is valid by the same rules as `EnvelopeSchema`, checked without it.

    Every event a worker takes is checked: the schema's load was about a twentieth of a
    worker's CPU. Only a True answer is trusted; anything this does not accept goes through
    the schema, which then accepts it or names each field that is wrong.
    """
    if data.keys() != _ENVELOPE_KEYS:
        return False
    version, causation = data["version"], data["causation_id"]
    if not (
        _text(data["type"], 100)
        and type(version) is int
        and version >= 1
        and _text(data["producer"], 50)
        and _text(data["correlation_id"], 100)
        and (causation is None or type(causation) is str)
        and type(data["payload"]) is dict
        and type(data["id"]) is str
        and type(data["occurred_at"]) is str
    ):
        return False
    try:
        uuid.UUID(data["id"])
        occurred = datetime.fromisoformat(data["occurred_at"])
    except ValueError:
        return False
    return occurred.utcoffset() is not None
