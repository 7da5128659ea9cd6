"""The provider directory: admins manage it, case managers and providers read it."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from services.referral import queries as repo
from services.referral.flows.placing import offer_places
from services.referral.flows.quality import has_contracts
from services.referral.models import Provider
from services.referral.schemas.providers import (
    ProviderInputSchema,
    ProviderPatchSchema,
    ProviderQueryArgsSchema,
    ProviderSchema,
)
from services.referral.views import provider_view
from shared.auth import allow_roles, not_found_unless, require_role
from shared.pagination import page_of
from shared.web import Blueprint, current_runtime, error

blp = Blueprint("providers", __name__, url_prefix="/providers", description="Provider directory")
READERS = ("case_manager", "provider", "admin", "inspector")
DEFAULTS: dict[str, Any] = {
    "organisation": None, "district_code": None, "address": None, "phone": None,
    "min_age": None, "max_age": None, "languages": ["tg"], "accessibility_notes": None,
    "accredited": False, "last_inspection_date": None, "active": True, "latitude": None,
    "longitude": None,
}  # fmt: skip


@blp.route("")
class Providers(MethodView):
    @blp.arguments(ProviderInputSchema)
    @blp.response(201, ProviderSchema)
    @allow_roles("admin")
    def post(self, body: dict):
        """Add a provider to the directory."""
        require_role("admin")
        with current_runtime().unit_of_work() as uow:
            _check_coordinates(body)
            provider = Provider(
                id=str(uuid.uuid4()), **{**DEFAULTS, **body}, created_at=uow.now, updated_at=uow.now
            )
            uow.session.add(provider)
            uow.session.flush()
            offer_places(uow, provider.id)
            return provider_view(provider, 0)

    @blp.arguments(ProviderQueryArgsSchema, location="query")
    @blp.response(200, page_of(ProviderSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List providers, by service type and district served."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            rows = uow.session.execute(select(Provider).order_by(Provider.name, Provider.id))
            chosen = [p for p in rows.scalars() if _matches(p, args)]
            page, size = args["page"], args["page_size"]
            shown = chosen[(page - 1) * size : page * size]
            taken = repo.places_taken(uow.session, [p.id for p in shown])
            items = [provider_view(p, taken.get(p.id, 0)) for p in shown]
            return {"items": items, "total": len(chosen), "page": page, "page_size": size}


@blp.route("/<uuid:provider_id>")
class ProviderById(MethodView):
    @blp.response(200, ProviderSchema)
    @allow_roles(*READERS)
    def get(self, provider_id: uuid.UUID):
        """Read one provider."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            provider = uow.session.get(Provider, str(provider_id))
            not_found_unless(provider is not None, "provider")
            taken = repo.places_taken(uow.session, [provider.id]).get(provider.id, 0)
            return provider_view(provider, taken)

    @blp.arguments(ProviderPatchSchema(partial=True))
    @blp.response(200, ProviderSchema)
    @allow_roles("admin")
    def patch(self, body: dict, provider_id: uuid.UUID):
        """Change a provider; raised capacity goes to the waiting list at once."""
        require_role("admin")
        with current_runtime().unit_of_work() as uow:
            provider = repo.lock_provider(uow.session, str(provider_id))
            not_found_unless(provider is not None, "provider")
            merged = {**{k: getattr(provider, k) for k in DEFAULTS}, **body}
            _check_ages(merged)
            _check_coordinates(merged)
            _check_not_followed(uow.session, provider, body)
            taken = repo.places_taken(uow.session, [provider.id]).get(provider.id, 0)
            if body.get("places", provider.places) < taken:
                error(422, "fewer places than children holding one", fields={
                    "places": [f"{taken} children hold places; end their referrals first."]
                })  # fmt: skip
            for name, value in body.items():
                setattr(provider, name, value)
            provider.updated_at = uow.now
            uow.session.flush()
            offer_places(uow, provider.id)
            return provider_view(provider, taken)


def _check_not_followed(session, provider: Provider, body: dict) -> None:
    """Refuse hand edits of what inspections and contracts set (the quality service's events)."""
    followed = {"accredited", "last_inspection_date"} & set(body)
    if followed and provider.last_inspection_id is not None:
        error(422, "accreditation follows the provider's inspections", fields={
            name: ["Set by the provider's inspections in the quality service."] for name in followed
        })  # fmt: skip
    if "places" in body and has_contracts(session, provider.id):
        error(422, "places follow the provider's contracts", fields={
            "places": ["This provider's places follow its contracts; amend those."]
        })  # fmt: skip


def _matches(provider: Provider, args: dict) -> bool:
    if "service_type" in args and args["service_type"] not in provider.service_types:
        return False
    if "district_code" in args and args["district_code"] not in provider.districts_served:
        return False
    return "active" not in args or provider.active == args["active"]


def _check_ages(data: dict) -> None:
    low, high = data.get("min_age"), data.get("max_age")
    if low is not None and high is not None and low > high:
        error(422, "some fields are invalid", fields={"min_age": ["Must not be above max_age."]})


def _check_coordinates(data: dict) -> None:
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        error(422, "some fields are invalid", fields={
            "latitude": ["Give latitude and longitude together."]
        })  # fmt: skip
