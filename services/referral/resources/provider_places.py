"""A provider's own places: its coordinator says how many are free now; matching uses it at once."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from services.referral import queries as repo
from services.referral.flows.placing import offer_places
from services.referral.flows.quality import has_contracts
from services.referral.schemas.providers import ProviderSchema
from services.referral.views import provider_view
from shared.auth import allow_roles, not_found_unless, require_role
from shared.web import Blueprint, current_runtime, error

blp = Blueprint(
    "provider_places", __name__, url_prefix="/providers", description="A provider's free places"
)


class PlacesSchema(Schema):
    """The number of places free now (children already holding a place are added to it)."""

    free_places = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=10_000))


@blp.route("/<uuid:provider_id>/places")
class ProviderPlaces(MethodView):
    @blp.arguments(PlacesSchema)
    @blp.response(200, ProviderSchema)
    @allow_roles("provider")
    def put(self, body: dict, provider_id: uuid.UUID):
        """Set the free places of the caller's own provider; new places go to the queue at once."""
        principal = require_role("provider")
        # Another provider's record does not exist for this caller.
        not_found_unless(principal.provider_id == str(provider_id), "provider")
        with current_runtime().unit_of_work() as uow:
            provider = repo.lock_provider(uow.session, str(provider_id))
            not_found_unless(provider is not None, "provider")
            if has_contracts(uow.session, provider.id):
                error(409, "your places follow your contracts with the ministry or the district; "
                      "ask them to amend the contract", code="places_follow_contracts")  # fmt: skip
            taken = repo.places_taken(uow.session, [provider.id]).get(provider.id, 0)
            provider.places = taken + body["free_places"]
            provider.updated_at = uow.now
            uow.session.flush()
            offer_places(uow, provider.id)
            return provider_view(provider, taken)
