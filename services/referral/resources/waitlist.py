"""The waiting list: a child waits for a service type in its region, with a position."""

from __future__ import annotations

from flask.views import MethodView

from services.referral import queries as repo
from services.referral.domain.matching import rank
from services.referral.domain.waitlist import positions
from services.referral.flows.placing import put_on_waitlist, queue_position
from services.referral.models import WaitlistEntry
from services.referral.resources.common import audit_reads, child_in_scope, today
from services.referral.schemas.referrals import (
    WaitlistCreateSchema,
    WaitlistEntrySchema,
    WaitlistQueryArgsSchema,
)
from services.referral.settings import geography
from shared import access_audit
from shared.auth import allow_roles, require_role
from shared.pagination import page_of
from shared.web import Blueprint, current_runtime, error

blp = Blueprint("waitlist", __name__, url_prefix="/waitlist", description="Waiting list")

ENTRY_FIELDS = (
    "id", "child_id", "service_type", "region_code", "district_code", "priority",
    "waiting_since", "status",
)  # fmt: skip


def _entry_view(entry: WaitlistEntry, position: int | None) -> dict:
    return {**{name: getattr(entry, name) for name in ENTRY_FIELDS}, "position": position}


@blp.route("")
class Waitlist(MethodView):
    @blp.arguments(WaitlistCreateSchema)
    @blp.response(201, WaitlistEntrySchema)
    @blp.alt_response(200, schema=WaitlistEntrySchema, description="Already waiting")
    @allow_roles("case_manager")
    def post(self, body: dict):
        """Put a child on the waiting list when no eligible provider has a free place."""
        principal = require_role("case_manager")
        kind = body["service_type"]
        with current_runtime().unit_of_work() as uow:
            child = child_in_scope(uow.session, principal, str(body["child_id"]))
            if child.erased_at is not None or not child.data_sharing:
                error(422, "the family has not consented to share data with providers",
                      code="consent_required")  # fmt: skip
            if child.region_code is None:
                error(422, "the child's district is not one the platform knows",
                      code="unknown_district")  # fmt: skip
            existing = repo.waiting_entry(uow.session, child.id, kind)
            if existing is not None:
                return _entry_view(existing, queue_position(uow.session, existing)), 200
            if repo.open_referral(uow.session, child.id, kind) is not None:
                error(422, f"the child already has an open referral for {kind}",
                      code="open_referral_exists")  # fmt: skip
            eligible, _ = rank(
                repo.to_child(child), repo.domain_providers(uow.session), kind, today(), geography()
            )
            free = [m.provider.id for m in eligible if m.free_places > 0]
            if free:
                error(422, "an eligible provider has a free place: refer the child there",
                      code="places_available", provider_ids=free)  # fmt: skip
            entry, position = put_on_waitlist(uow, child, kind, principal.sub)
            return _entry_view(entry, position)

    @blp.arguments(WaitlistQueryArgsSchema, location="query")
    @blp.response(200, page_of(WaitlistEntrySchema))
    @allow_roles("case_manager", "admin")
    def get(self, args: dict):
        """List waiting children in the caller's districts, in queue order."""
        principal = require_role("case_manager", "admin")
        with current_runtime().unit_of_work() as uow:
            kinds = [args["service_type"]] if "service_type" in args else None
            pairs = repo.waiting_with_children(uow.session, kinds)
            queue = [repo.to_waiting(e, c) for e, c in pairs]
            place = positions(queue)
            shown = [
                e for e, _ in pairs
                if principal.covers_district(e.district_code)
                and args.get("region_code", e.region_code) == e.region_code
                and args.get("district_code", e.district_code) == e.district_code
            ]  # fmt: skip
            shown.sort(key=lambda e: (e.service_type, e.region_code, place[e.id]))
            page, size = args["page"], args["page_size"]
            page_rows = shown[(page - 1) * size : page * size]
            records = [(e.id, e.child_id) for e in page_rows]
            audit_reads(uow.session, principal, access_audit.LIST, "waitlist", records)
            items = [_entry_view(e, place[e.id]) for e in page_rows]
            return {"items": items, "total": len(shown), "page": page, "page_size": size}
