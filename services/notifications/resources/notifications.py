"""Notifications' resources for case managers and admins: the SMS of a child, and the replies."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import or_, select

from services.notifications.flows.answers import send_answer
from services.notifications.models import (
    ACCESS_AUDIT,
    Contact,
    InboundMessage,
    Notification,
    ReplyChild,
    StatusChange,
)
from services.notifications.schemas import (
    FamilyMessageSchema,
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
from shared.scope import in_districts
from shared.web import Blueprint, current_runtime

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
children_blp = Blueprint(
    "family-messages",
    __name__,
    url_prefix="/children",
    description="The case manager's SMS to a child's family",
)
READERS = ("case_manager", "admin")


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationQueryArgsSchema, location="query")
    @blp.response(200, page_of(NotificationSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List notifications in the caller's districts, newest first."""
        principal = require_role(*READERS)
        query = select(Notification).order_by(Notification.created_at.desc(), Notification.id)
        query = in_districts(query, Notification.district_code, principal)
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
        """List families' replies about children of the caller's districts, newest first."""
        principal = require_role(*READERS)
        query = select(InboundMessage).order_by(
            InboundMessage.received_at.desc(), InboundMessage.id
        )
        links = select(ReplyChild.message_id)
        if args.get("child_id"):
            links = links.where(ReplyChild.child_id == args["child_id"])
        links = in_districts(links, ReplyChild.district_code, principal)
        if args.get("child_id"):
            # A phone shared by several children: the reply is about each of them.
            query = query.where(InboundMessage.id.in_(links))
        else:
            mine = in_districts(select(InboundMessage.id), InboundMessage.district_code, principal)
            query = query.where(or_(InboundMessage.id.in_(mine), InboundMessage.id.in_(links)))
        if args.get("action"):
            query = query.where(InboundMessage.action == args["action"])
        with current_runtime().unit_of_work() as uow:
            page = paginate(uow.session, query, args["page"], args["page_size"])
            _audit(uow, principal, access_audit.LIST, "inbound_message", page["items"])
            page["items"] = _with_children(uow.session, page["items"], principal)
            return page


def _with_children(session: Any, items: list, principal: Principal) -> list[dict[str, Any]]:
    """Add to each reply the children it concerns in the caller's districts."""
    ids = [m.id for m in items]
    query = in_districts(
        select(ReplyChild).where(ReplyChild.message_id.in_(ids)), ReplyChild.district_code,
        principal,
    )  # fmt: skip
    found: dict[str, list[ReplyChild]] = {}
    for link in session.scalars(query):
        found.setdefault(link.message_id, []).append(link)
    return [
        {
            **{c.key: getattr(m, c.key) for c in InboundMessage.__table__.c},
            "children": sorted(found.get(m.id, []), key=lambda link: link.child_id),
        }
        for m in items
    ]


@children_blp.route("/<string:child_id>/messages")
class FamilyMessages(MethodView):
    @children_blp.arguments(FamilyMessageSchema)
    @children_blp.response(201, NotificationSchema)
    @allow_roles(*READERS)
    def post(self, body: dict, child_id: str):
        """Text the child's guardian (the case manager answering the family's replies)."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            contact = uow.session.get(Contact, child_id)
            not_found_unless(
                contact is not None and principal.covers_district(contact.district_code), "child"
            )
            text = " ".join(body["text"].split())
            return send_answer(uow, principal, contact, text, body["in_reply_to"])
