"""Kannel's own callbacks: delivery reports and incoming SMS, authenticated by `?secret=`.

They map onto the same receipts and replies as `POST /delivery-receipts` and
`POST /inbound-sms` (the `callbacks` module); only the way Kannel calls differs.
"""

from __future__ import annotations

import hmac
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from flask import request
from flask.views import MethodView
from marshmallow import EXCLUDE, Schema, fields, validate

from services.notifications.domain.kannel import DLR_TYPES, dlr_receipt
from services.notifications.flows import callbacks
from services.notifications.schemas import DeliveryReceiptResultSchema, InboundSmsResultSchema
from services.notifications.settings import sms_setup
from shared.phones import mask_phone, to_e164
from shared.web import Blueprint, current_runtime, error, public

log = logging.getLogger(__name__)
KANNEL_DOC = {
    "security": [{"kannelSecret": []}],
    "description": "Called by Kannel; authenticated by `?secret=` (SMS_RECEIPT_SECRET).",
}

blp = Blueprint(
    "kannel", __name__, url_prefix="/gateways/kannel", description="Callbacks of Kannel"
)


class KannelDlrArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # Kannel adds what an operator puts in the URL; only these count

    secret = fields.Str(required=True, load_only=True)
    id = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    status = fields.Int(
        required=True,
        validate=validate.OneOf(DLR_TYPES),
        metadata={"description": "Kannel's %d: 1 delivered, 2 failed, 4 buffered, "
                  "8 accepted by the SMS centre, 16 rejected by it"},
    )  # fmt: skip


class KannelInboundArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    secret = fields.Str(required=True, load_only=True)
    sender = fields.Str(
        required=True, data_key="from", validate=validate.Length(min=3, max=32),
        metadata={"description": "Kannel's %p"},
    )  # fmt: skip
    text = fields.Str(
        required=True, validate=validate.Length(max=1600), metadata={"description": "Kannel's %b"}
    )
    at = fields.Int(
        load_default=None, validate=validate.Range(min=0),
        metadata={"description": "optional: Kannel's %T (Unix time the SMS was received)"},
    )  # fmt: skip
    charset = fields.Str(
        load_default=None, validate=validate.Length(max=40),
        metadata={"description": "optional: Kannel's %C, when the text is not UTF-8"},
    )  # fmt: skip


@blp.before_request
def _check_secret() -> None:
    """Refuse a call without the shared secret before reading anything else (forged: 403)."""
    expected = sms_setup(current_runtime()).receipt_secret
    given = request.args.get("secret", "")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        error(403, "the gateway secret is missing or wrong", code="bad_gateway_secret")


def _text_in(charset: str | None, decoded: str) -> str:
    """Re-read `text` in Kannel's charset when it is not UTF-8 (smsbox without mo-recode)."""
    if not charset or charset.replace("-", "").lower() in ("utf8", "ascii", "usascii"):
        return decoded
    raw = dict(parse_qsl(request.query_string.decode("ascii", "replace"), encoding="latin-1"))
    try:
        return raw.get("text", "").encode("latin-1").decode(charset)
    except (LookupError, UnicodeError):
        error(422, "the text does not match its charset", fields={"charset": ["unreadable"]})


@blp.route("/dlr")
@public
class KannelDeliveryReports(MethodView):
    @blp.doc(**KANNEL_DOC)
    @blp.arguments(KannelDlrArgsSchema, location="query")
    @blp.response(200, DeliveryReceiptResultSchema)
    @blp.alt_response(404, description="no such notification")
    def get(self, args: dict):
        """Record a Kannel delivery report (the dlr-url we gave it) as a delivery receipt."""
        receipt = dlr_receipt(args["status"])
        with current_runtime().unit_of_work() as uow:
            n = callbacks.find_notification(uow, args["id"], None)
            if n is None:
                error(404, "no such notification", code="not_found")
            changed = callbacks.apply_receipt(uow, n, receipt)
            log.info(
                "kannel delivery report",
                extra={"fields": {"notification_id": n.id, "dlr_type": args["status"],
                                  "status": n.status, "changed": changed}},
            )  # fmt: skip
            return {"notification_id": n.id, "status": n.status, "changed": changed}


@blp.route("/inbound")
@public
class KannelInbound(MethodView):
    @blp.doc(**KANNEL_DOC)
    @blp.arguments(KannelInboundArgsSchema, location="query")
    @blp.response(200, InboundSmsResultSchema)
    def get(self, args: dict):
        """Take a family's SMS from Kannel's sms-service: STOP, START, or a reply to keep."""
        phone = to_e164(args["sender"])
        if phone is None:
            error(422, "not a phone number", fields={"from": ["not a valid phone number"]})
        text = _text_in(args["charset"], args["text"])
        runtime = current_runtime()
        setup = sms_setup(runtime)
        with runtime.unit_of_work() as uow:
            at = args["at"]
            received_at = datetime.fromtimestamp(at, UTC) if at is not None else uow.now
            reply = callbacks.record_reply(uow, setup, phone, text, received_at)
        log.info(
            "kannel inbound sms",
            extra={"fields": {"from": mask_phone(phone), "action": reply.action, "id": reply.id}},
        )
        return {"id": reply.id, "action": reply.action, "child_id": reply.child_id}
