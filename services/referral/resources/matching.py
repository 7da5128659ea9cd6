"""Ranked providers for a child and a service type, each with its reasons."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask.views import MethodView
from sqlalchemy import Text, cast, select

from services.referral import queries as repo
from services.referral.domain.matching import any_free_place, rank
from services.referral.models import Provider
from services.referral.resources.common import audit_reads, child_in_scope, today
from services.referral.schemas.referrals import MatchesSchema, MatchQueryArgsSchema
from services.referral.settings import geography
from services.referral.views import match_view
from shared import access_audit
from shared.auth import allow_roles, require_role
from shared.web import Blueprint, current_runtime


def could_be_eligible(kind: str, district_code: str | None) -> list[Any]:
    """SQL conditions every eligible provider meets: active, offers the service, serves the
    district. A coarse filter on the stored JSON lists (quoted, so no code matches inside
    another); `rank` still judges each provider that passes."""
    conditions = [
        Provider.active.is_(True),
        cast(Provider.service_types, Text).contains(json.dumps(kind), autoescape=True),
    ]
    if district_code is not None:
        conditions.append(
            cast(Provider.districts_served, Text).contains(
                json.dumps(district_code), autoescape=True
            )
        )
    return conditions


blp = Blueprint("matches", __name__, url_prefix="/children", description="Provider matching")


@blp.route("/<uuid:child_id>/matches")
class ChildMatches(MethodView):
    @blp.arguments(MatchQueryArgsSchema, location="query")
    @blp.response(200, MatchesSchema)
    @allow_roles("case_manager", "admin")
    def get(self, args: dict, child_id: uuid.UUID):
        """Rank the eligible providers for the child: free places, nearness, accreditation."""
        principal = require_role("case_manager", "admin")
        kind = args["service_type"]
        with current_runtime().unit_of_work() as uow:
            child = child_in_scope(uow.session, principal, str(child_id))
            audit_reads(
                uow.session, principal, access_audit.READ, "matches", [(child.id, child.id)]
            )
            query = select(Provider)
            if not args["include_ineligible"]:
                query = query.where(*could_be_eligible(kind, child.district_code))
            rows = {p.id: p for p in uow.session.execute(query).scalars()}
            taken = repo.places_taken(uow.session, rows)
            providers = [repo.to_provider(p, taken.get(p.id, 0)) for p in rows.values()]
            eligible, ineligible = rank(repo.to_child(child), providers, kind, today(), geography())
            body = {
                "child_id": child.id,
                "service_type": kind,
                "items": [match_view(m, i, rows[m.provider.id]) for i, m in enumerate(eligible, 1)],
                "total": len(eligible),
                "can_waitlist": not any_free_place(eligible),
            }
            if args["include_ineligible"]:
                body["ineligible"] = [match_view(m, None, rows[m.provider.id]) for m in ineligible]
            return body
