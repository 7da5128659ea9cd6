"""Service standards: the ministry publishes versions; everyone reads them."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from services.quality.flows.standards import publish_version, versions_of
from services.quality.models import Standard
from services.quality.resources.common import page
from services.quality.schemas.standards import (
    StandardInputSchema,
    StandardQueryArgsSchema,
    StandardSchema,
)
from services.quality.views import standard_view
from shared.auth import allow_roles, not_found_unless, require_role
from shared.pagination import page_of
from shared.web import Blueprint, current_runtime

blp = Blueprint("standards", __name__, url_prefix="/standards", description="Service standards")
READERS = ("inspector", "admin", "provider", "case_manager")


@blp.route("")
class Standards(MethodView):
    @blp.arguments(StandardInputSchema)
    @blp.response(201, StandardSchema)
    @allow_roles("admin")
    def post(self, body: dict):
        """Publish a new version of a service type's standard (earlier versions stay)."""
        principal = require_role("admin")
        with current_runtime().unit_of_work() as uow:
            return standard_view(publish_version(uow, body, principal.sub))

    @blp.arguments(StandardQueryArgsSchema, location="query")
    @blp.response(200, page_of(StandardSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List standard versions; with `on`, only the version of each type in force that day."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            if "on" in args:
                found = versions_of(uow.session, args.get("service_type"), args["on"])
                items = [standard_view(s) for s in found]
                return {"items": items, "total": len(items), "page": 1, "page_size": len(items)}
            query = select(Standard).order_by(Standard.service_type, Standard.version.desc())
            if "service_type" in args:
                query = query.where(Standard.service_type == args["service_type"])
            result = page(uow.session, query, args)
            result["items"] = [standard_view(s) for s in result["items"]]
            return result


@blp.route("/<uuid:standard_id>")
class StandardById(MethodView):
    @blp.response(200, StandardSchema)
    @allow_roles(*READERS)
    def get(self, standard_id: uuid.UUID):
        """Read one version of a standard."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            standard = uow.session.get(Standard, str(standard_id))
            not_found_unless(standard is not None, "standard")
            return standard_view(standard)
