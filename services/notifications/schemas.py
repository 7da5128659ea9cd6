"""Request and response schemas of the notifications API."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from services.notifications.domain.status import STATUSES, map_receipt
from shared.fields import StrictBool
from shared.pagination import PageArgsSchema

_id = validate.Length(min=1, max=100)


class NotificationQueryArgsSchema(PageArgsSchema):
    child_id = fields.Str(validate=_id)
    status = fields.Str(validate=validate.OneOf(STATUSES))
    recipient = fields.Str(validate=validate.OneOf(("guardian", "provider")))


class StatusChangeSchema(Schema):
    status = fields.Str(required=True)
    reason = fields.Str(allow_none=True)
    at = fields.AwareDateTime(required=True)


class NotificationSchema(Schema):
    id = fields.Str(required=True)
    event_type = fields.Str(required=True)
    event_id = fields.Str(allow_none=True)
    template = fields.Str(required=True)
    child_id = fields.Str(allow_none=True)
    recipient = fields.Str(required=True, metadata={"description": "guardian or provider"})
    to = fields.Str(
        attribute="to_masked", allow_none=True, metadata={"description": "masked: +992*****4567"}
    )
    language = fields.Str(required=True)
    text = fields.Str(allow_none=True, metadata={"description": "null once erased"})
    encoding = fields.Str(required=True, metadata={"description": "GSM-7 or UCS-2"})
    characters = fields.Int(
        required=True, metadata={"description": "septets (GSM-7) or UTF-16 code units (UCS-2)"}
    )
    segments = fields.Int(required=True)
    status = fields.Str(required=True, metadata={"description": ", ".join(STATUSES)})
    reason = fields.Str(allow_none=True)
    attempts = fields.Int(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)


class NotificationDetailSchema(NotificationSchema):
    history = fields.List(fields.Nested(StatusChangeSchema), required=True)


class DeliveryReceiptSchema(Schema):
    notification_id = fields.Str(validate=_id, metadata={"description": "our transaction id"})
    gateway_message_id = fields.Str(validate=_id)
    status = fields.Str(
        required=True,
        metadata={"description": "delivered|failed|expired|undeliverable|rejected|accepted, "
                  "or an SMPP stat: code (DELIVRD, UNDELIV, …)"},
    )  # fmt: skip
    at = fields.AwareDateTime(load_default=None, allow_none=True)

    @validates("status")
    def _known_status(self, value: str, **_: object) -> None:
        try:
            map_receipt(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class DeliveryReceiptResultSchema(Schema):
    notification_id = fields.Str(required=True)
    status = fields.Str(required=True)
    changed = StrictBool(required=True)


_gateway_id = validate.Length(min=1, max=200)


class InboundSmsSchema(Schema):
    sender = fields.Str(required=True, data_key="from", validate=validate.Length(min=3, max=32))
    text = fields.Str(required=True, validate=validate.Length(max=1600))
    received_at = fields.AwareDateTime(load_default=None, allow_none=True)
    # The gateway's own id of the message (either name): a repeat of it changes nothing.
    message_id = fields.Str(load_default=None, allow_none=True, validate=_gateway_id)
    gateway_id = fields.Str(data_key="id", load_default=None, allow_none=True, validate=_gateway_id)


class InboundSmsResultSchema(Schema):
    id = fields.Str(required=True)
    action = fields.Str(
        required=True, metadata={"description": "opted_out, opted_in, unchanged or recorded"}
    )


class InboundMessageQueryArgsSchema(PageArgsSchema):
    child_id = fields.Str(validate=_id)
    action = fields.Str(validate=validate.OneOf(("opted_out", "opted_in", "unchanged", "recorded")))


class ReplyChildSchema(Schema):
    child_id = fields.Str(required=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class InboundMessageSchema(Schema):
    id = fields.Str(required=True)
    sender = fields.Str(attribute="phone_masked", data_key="from", allow_none=True)
    text = fields.Str(allow_none=True)
    action = fields.Str(required=True)
    child_id = fields.Str(allow_none=True)
    received_at = fields.AwareDateTime(required=True)
    children = fields.List(
        fields.Nested(ReplyChildSchema),
        metadata={"description": "Each child of the phone in your districts, and when answered"},
    )


class FamilyMessageSchema(Schema):
    """The case manager's SMS to the child's guardian (answering the family's replies)."""

    class Meta:
        unknown = RAISE

    text = fields.Str(required=True, validate=validate.Length(min=1, max=180))
    in_reply_to = fields.Str(
        load_default=None,
        allow_none=True,
        validate=_id,
        metadata={"description": "The reply answered; without it every unanswered one"},
    )

    @validates("text")
    def _not_blank(self, value: str, **_: object) -> None:
        if not value.strip():
            raise ValidationError("Write the message.")
