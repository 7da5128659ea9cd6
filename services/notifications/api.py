"""Notifications' resources (walking skeleton: list a child's SMS)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from services.notifications.models import Notification
from shared.auth import require_role
from shared.logging import mask_phone
from shared.pagination import PageArgsSchema, page_of, paginate
from shared.web import current_runtime

blp = Blueprint("notifications", __name__, url_prefix="/notifications", description="SMS sent")


class NotificationQueryArgsSchema(PageArgsSchema):
    child_id = fields.Str()


class NotificationSchema(Schema):
    id = fields.Str()
    event_type = fields.Str()
    recipient = fields.Str()
    to = fields.Function(lambda n: mask_phone(n.to))
    language = fields.Str()
    text = fields.Str()
    status = fields.Str()


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationQueryArgsSchema, location="query")
    @blp.response(200, page_of(NotificationSchema))
    def get(self, args: dict):
        """List notifications, newest first."""
        require_role("case_manager", "admin")
        query = select(Notification).order_by(Notification.created_at.desc(), Notification.id)
        if args.get("child_id"):
            query = query.where(Notification.child_id == args["child_id"])
        with current_runtime().unit_of_work() as uow:
            return paginate(uow.session, query, args["page"], args["page_size"])


BLUEPRINTS = [blp]
