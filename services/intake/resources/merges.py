"""Merging two registrations of one child."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from services.intake.flows.corrections import CORRECTABLE, merge_child
from services.intake.models import Child
from services.intake.schemas import MergeSchema
from services.intake.views import ChildSchema, child_view
from shared.auth import Principal, allow_roles, not_found_unless, require_role
from shared.web import Blueprint, ErrorSchema, current_runtime, error

blp = Blueprint("merges", __name__, url_prefix="/children", description="Duplicate registrations")

CORRECTORS = ("case_manager", "admin")


def split_corrections(body: dict[str, Any]) -> dict[str, Any]:
    """Take sex, date of birth and district out of a PATCH body's child section."""
    part = body.get("child") or {}
    return {name: part.pop(name) for name in CORRECTABLE if name in part}


def _in_scope(session: Any, child_id: str, principal: Principal) -> Child | None:
    child = session.get(Child, child_id)
    if child is None or not principal.covers_district(child.district_code):
        return None
    return child


@blp.route("/<uuid:child_id>/merge")
class ChildMerge(MethodView):
    @blp.arguments(MergeSchema)
    @blp.response(200, ChildSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Withdrawn, or merged elsewhere")
    @allow_roles(*CORRECTORS)
    def post(self, body: dict, child_id: uuid.UUID):
        """Merge this registration into another of the same child (case manager of both, admin)."""
        principal = require_role(*CORRECTORS)
        with current_runtime().unit_of_work() as uow:
            child = _in_scope(uow.session, str(child_id), principal)
            not_found_unless(child is not None, "child")
            into = _in_scope(uow.session, str(body["into"]), principal)
            if into is None:
                error(422, "some fields are invalid",
                      fields={"into": ["No child with this id in your districts."]})  # fmt: skip
            merge_child(uow, child, into, body["reason"], principal)
            return child_view(child)
