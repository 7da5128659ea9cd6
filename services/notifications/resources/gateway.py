"""The SMS gateway's callbacks: delivery receipts and inbound replies (shared-secret auth)."""

from __future__ import annotations

import hmac
import logging

from flask import request
from flask.views import MethodView

from services.notifications.domain.status import map_receipt
from services.notifications.flows import callbacks
from services.notifications.schemas import (
    DeliveryReceiptResultSchema,
    DeliveryReceiptSchema,
    InboundSmsResultSchema,
    InboundSmsSchema,
)
from services.notifications.settings import sms_setup
from shared.phones import mask_phone, to_e164
from shared.web import Blueprint, current_runtime, error, public

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Gateway-Secret"
GATEWAY_DOC = {
    "security": [{"gatewaySecret": []}],
    "description": f"Authenticated by the `{SECRET_HEADER}` header (SMS_RECEIPT_SECRET).",
}

blp = Blueprint("gateway", __name__, description="Callbacks of the SMS gateway")


@blp.before_request
def _check_secret() -> None:
    """Refuse a callback without the shared secret before reading its body (forged: 403)."""
    expected = sms_setup(current_runtime()).receipt_secret
    given = request.headers.get(SECRET_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        error(403, "the gateway secret is missing or wrong", code="bad_gateway_secret")


@blp.route("/delivery-receipts")
@public
class DeliveryReceipts(MethodView):
    @blp.doc(**GATEWAY_DOC)
    @blp.arguments(DeliveryReceiptSchema)
    @blp.response(200, DeliveryReceiptResultSchema)
    @blp.alt_response(404, description="no such notification")
    def post(self, body: dict):
        """Record a delivery receipt; repeated or late receipts never move a status back."""
        if not body.get("notification_id") and not body.get("gateway_message_id"):
            error(422, "name the notification", fields={"notification_id": ["required"]})
        receipt = map_receipt(body["status"])
        with current_runtime().unit_of_work() as uow:
            n = callbacks.find_notification(
                uow, body.get("notification_id"), body.get("gateway_message_id")
            )
            if n is None:
                error(404, "no such notification", code="not_found")
            changed = callbacks.apply_receipt(uow, n, receipt)
            log.info(
                "delivery receipt",
                extra={"fields": {"notification_id": n.id, "receipt": body["status"],
                                  "status": n.status, "changed": changed}},
            )  # fmt: skip
            return {"notification_id": n.id, "status": n.status, "changed": changed}


@blp.route("/inbound-sms")
@public
class InboundSms(MethodView):
    @blp.doc(**GATEWAY_DOC)
    @blp.arguments(InboundSmsSchema)
    @blp.response(200, InboundSmsResultSchema)
    def post(self, body: dict):
        """Take a family's reply: STOP opts the phone out, START back in, anything else is kept."""
        phone = to_e164(body["sender"])
        if phone is None:
            error(422, "not a phone number", fields={"from": ["not a valid phone number"]})
        runtime = current_runtime()
        setup = sms_setup(runtime)
        with runtime.unit_of_work() as uow:
            received_at = body.get("received_at") or uow.now
            reply = callbacks.record_reply(
                uow, setup, phone, body["text"], received_at,
                gateway_message_id=body.get("message_id") or body.get("gateway_id"),
            )  # fmt: skip
        log.info(
            "inbound sms",
            extra={"fields": {"from": mask_phone(phone), "action": reply.action, "id": reply.id}},
        )
        # The gateway learns what happened to the message, never whose phone it was.
        return {"id": reply.id, "action": reply.action}
