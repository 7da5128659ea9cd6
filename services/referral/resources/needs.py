"""The case manager's worklist of needs: children recommended a service and not yet placed."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from services.referral.models import ChildRecord, Need
from services.referral.schemas.referrals import NeedQueryArgsSchema, NeedSchema
from shared.auth import allow_roles, require_role
from shared.pagination import page_of, paginate
from shared.scope import in_districts
from shared.web import Blueprint, current_runtime

blp = Blueprint("needs", __name__, url_prefix="/needs", description="Referral needs")
NEED_FIELDS = ("id", "child_id", "service_type", "priority", "status", "opened_at", "updated_at")


@blp.route("")
class Needs(MethodView):
    @blp.arguments(NeedQueryArgsSchema, location="query")
    @blp.response(200, page_of(NeedSchema))
    @allow_roles("case_manager", "admin")
    def get(self, args: dict):
        """List needs in the caller's districts, oldest first."""
        principal = require_role("case_manager", "admin")
        query = (
            select(Need)
            .join(ChildRecord, ChildRecord.id == Need.child_id)
            .order_by(Need.opened_at, Need.id)
        )
        query = in_districts(query, ChildRecord.district_code, principal)
        if "child_id" in args:
            query = query.where(Need.child_id == str(args["child_id"]))
        for name in ("status", "service_type"):
            if name in args:
                query = query.where(getattr(Need, name) == args[name])
        with current_runtime().unit_of_work() as uow:
            page = paginate(uow.session, query, args["page"], args["page_size"])
            ids = [need.child_id for need in page["items"]]
            where = select(ChildRecord.id, ChildRecord.district_code).where(ChildRecord.id.in_(ids))
            districts = dict(uow.session.execute(where).all())
            page["items"] = [
                {
                    **{n: getattr(need, n) for n in NEED_FIELDS},
                    "district_code": districts.get(need.child_id),
                }
                for need in page["items"]
            ]
            return page
