"""Notifications' resources for case managers and admins: the SMS of a child, and the replies."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select, select

from services.notifications.api_gateway import blp as gateway_blp
from services.notifications.api_kannel import blp as kannel_blp
from services.notifications.models import (
    ACCESS_AUDIT,
    InboundMessage,
    Notification,
    StatusChange,
)
from services.notifications.schemas import (
    InboundMessageQueryArgsSchema,
    InboundMessageSchema,
    NotificationDetailSchema,
    NotificationQueryArgsSchema,
    NotificationSchema,
)
from shared import access_audit
from shared.auth import Principal, allow_roles, not_found_unless, require_role
from shared.pagination import page_of, paginate
from shared.runtime import UnitOfWork
from shared.web import current_runtime

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/notifications",
    description="SMS to families and providers: text, cost and status history",
)
replies_blp = Blueprint(
    "inbound-messages",
    __name__,
    url_prefix="/inbound-messages",
    description="Families' replies that were not STOP/START, for the case manager",
)
READERS = ("case_manager", "admin")


def _in_scope(query: Select, column: Any, principal: Principal) -> Select:
    """Limit a query to the caller's districts (admins see every district)."""
    if principal.is_admin:
        return query
    return query.where(column.in_(principal.districts))


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationQueryArgsSchema, location="query")
    @blp.response(200, page_of(NotificationSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List notifications in the caller's districts, newest first."""
        principal = require_role(*READERS)
        query = select(Notification).order_by(Notification.created_at.desc(), Notification.id)
        query = _in_scope(query, Notification.district_code, principal)
        for name in ("child_id", "status", "recipient"):
            if args.get(name):
                query = query.where(getattr(Notification, name) == args[name])
        with current_runtime().unit_of_work() as uow:
            page = paginate(uow.session, query, args["page"], args["page_size"])
            _audit(uow, principal, access_audit.LIST, "notification", page["items"])
            return page


def _audit(uow: UnitOfWork, principal: Principal, action: str, resource: str, rows) -> None:
    """Record that the caller was shown these rows (and so a child's data)."""
    shown = [(row.id, row.child_id) for row in rows]
    access_audit.record_reads(
        uow.session, ACCESS_AUDIT, principal, action, resource, shown, uow.now
    )


@blp.route("/<string:notification_id>")
class NotificationById(MethodView):
    @blp.response(200, NotificationDetailSchema)
    @allow_roles(*READERS)
    def get(self, notification_id: str):
        """Show one notification with its status history."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            n = uow.session.get(Notification, notification_id)
            not_found_unless(
                n is not None and principal.covers_district(n.district_code), "notification"
            )
            _audit(uow, principal, access_audit.READ, "notification", [n])
            history = uow.session.scalars(
                select(StatusChange)
                .where(StatusChange.notification_id == notification_id)
                .order_by(StatusChange.at, StatusChange.id)
            ).all()
            body = {column.key: getattr(n, column.key) for column in Notification.__table__.c}
            body["history"] = [
                {"status": row.status, "reason": row.reason, "at": row.at} for row in history
            ]
            return body


@replies_blp.route("")
class InboundMessages(MethodView):
    @replies_blp.arguments(InboundMessageQueryArgsSchema, location="query")
    @replies_blp.response(200, page_of(InboundMessageSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List families' replies in the caller's districts, newest first."""
        principal = require_role(*READERS)
        query = select(InboundMessage).order_by(
            InboundMessage.received_at.desc(), InboundMessage.id
        )
        query = _in_scope(query, InboundMessage.district_code, principal)
        for name in ("child_id", "action"):
            if args.get(name):
                query = query.where(getattr(InboundMessage, name) == args[name])
        with current_runtime().unit_of_work() as uow:
            page = paginate(uow.session, query, args["page"], args["page_size"])
            _audit(uow, principal, access_audit.LIST, "inbound_message", page["items"])
            return page


BLUEPRINTS = [blp, replies_blp, gateway_blp, kannel_blp]
