"""Intake's resources (walking skeleton: register a child, read it back)."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from services.intake.models import Child
from services.intake.schemas import ChildCreateSchema, ChildSchema
from shared.auth import not_found_unless, require_role
from shared.web import current_runtime

blp = Blueprint("children", __name__, url_prefix="/children", description="Registered children")


def _view(child: Child) -> dict:
    return {
        "id": child.id,
        "child": {
            "given_name": child.given_name,
            "family_name": child.family_name,
            "sex": child.sex,
            "date_of_birth": child.date_of_birth.isoformat(),
            "district_code": child.district_code,
        },
        "guardian": {
            "name": child.guardian_name,
            "phone": child.guardian_phone,
            "language": child.guardian_language,
            "sms_consent": child.sms_consent,
        },
        "registered_by": {"sub": child.registered_by_sub, "role": child.registered_by_role},
        "registered_at": child.registered_at,
    }


@blp.route("")
class Children(MethodView):
    @blp.arguments(ChildCreateSchema)
    @blp.response(201, ChildSchema)
    def post(self, body: dict):
        """Register a child."""
        principal = require_role("phw", "sah_worker", "case_manager")
        not_found_unless(principal.covers_district(body["child"]["district_code"]), "district")
        with current_runtime().unit_of_work() as uow:
            child = Child(
                id=str(uuid.uuid4()),
                **body["child"],
                guardian_name=body["guardian"]["name"],
                guardian_phone=body["guardian"]["phone"],
                guardian_language=body["guardian"]["language"],
                sms_consent=body["guardian"]["sms_consent"],
                registered_by_sub=principal.sub,
                registered_by_role=principal.role,
                registered_at=uow.now,
            )
            uow.session.add(child)
            view = _view(child)
            uow.emit(
                "child.registered",
                {
                    "child_id": child.id,
                    "child": view["child"],
                    "guardian": {**view["guardian"], "relationship": None},
                    "consent": {"data_sharing": True},
                    "screening": {"concerns": [], "urgent": False},
                    "registered_by": view["registered_by"],
                    "registered_at": uow.now.isoformat(),
                },
                correlation_id=child.id,
            )
        return view


@blp.route("/<uuid:child_id>")
class ChildById(MethodView):
    @blp.response(200, ChildSchema)
    def get(self, child_id: uuid.UUID):
        """Read one child."""
        principal = require_role("phw", "sah_worker", "case_manager", "admin")
        with current_runtime().unit_of_work() as uow:
            child = uow.session.get(Child, str(child_id))
            not_found_unless(
                child is not None and principal.covers_district(child.district_code), "child"
            )
            return _view(child)


BLUEPRINTS = [blp]
