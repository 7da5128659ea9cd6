"""Intake's resources: register, find, read, correct children; consent withdrawal; audit."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Response, request
from flask.views import MethodView
from sqlalchemy.exc import IntegrityError

from services.intake.flows import audit, idempotency
from services.intake.flows.changes import change_child, withdraw_consent
from services.intake.flows.corrections import AlreadyMerged, correct_child
from services.intake.flows.registration import LikelyDuplicates, duplicates_refused, register_child
from services.intake.flows.search import children_query
from services.intake.models import Child
from services.intake.resources.merges import CORRECTORS, split_corrections
from services.intake.schemas import (
    ChildCreateSchema,
    ChildPatchSchema,
    ChildQueryArgsSchema,
    WithdrawConsentSchema,
)
from services.intake.views import AuditEntrySchema, ChildSchema, audit_view, child_view
from shared.auth import Principal, allow_roles, not_found_unless, require_role
from shared.pagination import PageArgsSchema, page_of, paginate
from shared.web import Blueprint, ErrorSchema, current_runtime, error

blp = Blueprint("children", __name__, url_prefix="/children", description="Registered children")

REGISTRARS = ("phw", "sah_worker", "case_manager")
READERS = ("phw", "sah_worker", "case_manager", "admin")
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": idempotency.MAX_KEY_LENGTH},
    "description": "Repeat a registration safely: the same key and body answer the first "
    "response and create nothing; the same key with another body is refused (422).",
}


@blp.route("")
class Children(MethodView):
    @blp.arguments(ChildCreateSchema)
    @blp.response(201, ChildSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Likely duplicates (`candidates`)")
    @blp.alt_response(422, schema=ErrorSchema)
    @blp.doc(parameters=[IDEMPOTENCY_HEADER])
    @allow_roles(*REGISTRARS)
    def post(self, body: dict):
        """Register a child."""
        principal = require_role(*REGISTRARS)
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key and len(key) > idempotency.MAX_KEY_LENGTH:
            error(400, f"Idempotency-Key is longer than {idempotency.MAX_KEY_LENGTH} characters")
        body_hash = idempotency.request_hash(request.get_json())
        try:
            return _register(principal, body, key, body_hash)
        except LikelyDuplicates as exc:
            # The registration was rolled back; the probe is audited in its own transaction.
            raise duplicates_refused(current_runtime(), exc, principal) from exc
        except IntegrityError:
            # Another request with this key committed first: answer what it got.
            stored = key and _replay(principal, key, body_hash)
            if not stored:
                raise
            return stored

    @blp.arguments(ChildQueryArgsSchema, location="query")
    @blp.response(200, page_of(ChildSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """Find children in your districts by name (either script), district or dates."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            page = paginate(
                uow.session,
                children_query(args, principal),
                args["page"],
                args["page_size"],
            )
            children = page["items"]
            audit.record_many(uow.session, principal, audit.LIST, [c.id for c in children], uow.now)
            page["items"] = [child_view(c) for c in children]
        return page


def _register(principal: Principal, body: dict, key: str | None, body_hash: str) -> Any:
    with current_runtime().unit_of_work() as uow:
        claimed = None
        if key:
            stored = _replay_in(uow.session, principal, key, body_hash)
            if stored:
                return stored
            claimed = idempotency.claim(uow.session, principal.sub, key, body_hash, uow.now)
        child = register_child(uow, body, principal, audit.REGISTER)
        view = child_view(child)
        if claimed is not None:
            idempotency.complete(claimed, 201, ChildSchema().dump(view), child.id)
    return view


def _replay(principal: Principal, key: str, body_hash: str) -> Response | None:
    with current_runtime().unit_of_work() as uow:
        return _replay_in(uow.session, principal, key, body_hash)


def _replay_in(session: Any, principal: Principal, key: str, body_hash: str) -> Response | None:
    stored = idempotency.replay(session, principal.sub, key, body_hash)
    if stored is None:
        return None
    return Response(
        json.dumps(stored.body, ensure_ascii=False),
        stored.status_code,
        mimetype="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


def _child_in_scope(session: Any, child_id: uuid.UUID, principal: Principal) -> Child:
    child = session.get(Child, str(child_id))
    not_found_unless(child is not None and principal.covers_district(child.district_code), "child")
    return child


@blp.route("/<uuid:child_id>")
class ChildById(MethodView):
    @blp.response(200, ChildSchema)
    @allow_roles(*READERS)
    def get(self, child_id: uuid.UUID):
        """Read one child (after consent withdrawal: the tombstone only)."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            child = _child_in_scope(uow.session, child_id, principal)
            audit.record(uow.session, principal, audit.READ, child.id, uow.now)
            return child_view(child)

    @blp.arguments(ChildPatchSchema)
    @blp.response(200, ChildSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Consent was withdrawn, or merged")
    @allow_roles(*READERS)
    def patch(self, body: dict, child_id: uuid.UUID):
        """Correct names, village, the guardian's phone, language or SMS consent.

        A case manager of the child's district or an admin may also correct `sex`,
        `date_of_birth` and `district_code`, with a top-level `reason`.
        """
        principal = require_role(*READERS)
        corrections = split_corrections(body)
        if corrections and principal.role not in CORRECTORS:
            error(403, "only a case manager or an admin corrects sex, date of birth or district")
        with current_runtime().unit_of_work() as uow:
            child = _child_in_scope(uow.session, child_id, principal)
            if corrections:
                correct_child(uow, child, corrections, body["reason"], principal)
            if any(body.get(part) for part in ("child", "guardian", "consent")):
                if child.merged:
                    raise AlreadyMerged(child.merged_into or "")
                change_child(uow, child, body, principal)
            return child_view(child)


@blp.route("/<uuid:child_id>/withdraw-consent")
class ConsentWithdrawal(MethodView):
    @blp.arguments(WithdrawConsentSchema, required=False)
    @blp.response(200, ChildSchema)
    @allow_roles(*READERS)
    def post(self, body: dict, child_id: uuid.UUID):
        """Withdraw the family's consent: erase personal data, keep a tombstone."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            child = _child_in_scope(uow.session, child_id, principal)
            withdraw_consent(uow, child, principal, body.get("withdrawn_by"))
            return child_view(child)


@blp.route("/<uuid:child_id>/audit")
class ChildAudit(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(AuditEntrySchema))
    @allow_roles("admin")
    def get(self, args: dict, child_id: uuid.UUID):
        """Read a child's audit trail: who read or changed the record, and when (admin)."""
        principal = require_role("admin")
        with current_runtime().unit_of_work() as uow:
            page = paginate(
                uow.session, audit.trail(str(child_id)), args["page"], args["page_size"]
            )
            not_found_unless(page["total"] > 0, "child")
            page["items"] = [audit_view(entry) for entry in page["items"]]
            audit.record(uow.session, principal, audit.READ_AUDIT, str(child_id), uow.now)
        return page

