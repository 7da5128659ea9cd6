"""Where children stand in the chain, for the health workers who registered them."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from services.referral.domain.child_stage import TIMES, current_stage
from services.referral.models import ReportChild
from services.referral.resources.common import audit_reads
from services.referral.schemas.stages import ChildStagesSchema, StageQueryArgsSchema
from shared import access_audit
from shared.auth import allow_roles, require_role
from shared.scope import in_districts
from shared.web import Blueprint, current_runtime

ROLES = ("phw", "sah_worker", "case_manager", "admin")
blp = Blueprint("stages", __name__, url_prefix="/children", description="Children's stages")


@blp.route("/stages")
class Stages(MethodView):
    @blp.arguments(StageQueryArgsSchema, location="query")
    @blp.response(200, ChildStagesSchema)
    @allow_roles(*ROLES)
    def get(self, args: dict):
        """The current stage of each child asked about in the caller's districts; others absent."""
        principal = require_role(*ROLES)
        ids = sorted({str(child_id) for child_id in args["child_id"]})
        query = select(ReportChild).where(ReportChild.child_id.in_(ids))
        query = in_districts(query, ReportChild.district_code, principal)
        with current_runtime().unit_of_work() as uow:
            rows = uow.session.scalars(query.order_by(ReportChild.child_id)).all()
            shown = [(row.child_id, row.child_id) for row in rows]
            audit_reads(uow.session, principal, access_audit.LIST, "stage", shown)
            return {"items": [_view(row) for row in rows]}


def _view(row: ReportChild) -> dict:
    times = {name: getattr(row, name) for name in TIMES}
    return {"child_id": row.child_id, "stage": current_stage(times), "stages": times}
