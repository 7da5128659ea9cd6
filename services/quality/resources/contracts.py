"""Contracts: the ministry or a district buys places from a provider."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from services.quality.flows import contracts as flow
from services.quality.models import Contract
from services.quality.resources.common import own_provider_only, page, sees_provider
from services.quality.schemas.contracts import (
    ContractInputSchema,
    ContractPatchSchema,
    ContractQueryArgsSchema,
    ContractSchema,
)
from services.quality.views import contract_view
from shared.auth import allow_roles, not_found_unless, require_role
from shared.pagination import page_of
from shared.web import Blueprint, current_runtime

blp = Blueprint("contracts", __name__, url_prefix="/contracts", description="Commissioning")
READERS = ("admin", "provider", "case_manager", "inspector")


@blp.route("")
class Contracts(MethodView):
    @blp.arguments(ContractInputSchema)
    @blp.response(201, ContractSchema)
    @allow_roles("admin")
    def post(self, body: dict):
        """Record a signed contract; the provider's places follow it."""
        principal = require_role("admin")
        with current_runtime().unit_of_work() as uow:
            return contract_view(flow.sign(uow, body, principal.sub))

    @blp.arguments(ContractQueryArgsSchema, location="query")
    @blp.response(200, page_of(ContractSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List contracts, latest start first (a provider sees only its own)."""
        principal = require_role(*READERS)
        query = select(Contract).order_by(Contract.start_date.desc(), Contract.id)
        query = own_provider_only(principal, query, Contract.provider_id)
        if "provider_id" in args:
            query = query.where(Contract.provider_id == str(args["provider_id"]))
        for name in ("service_type", "status"):
            if name in args:
                query = query.where(getattr(Contract, name) == args[name])
        with current_runtime().unit_of_work() as uow:
            result = page(uow.session, query, args)
            result["items"] = [contract_view(c) for c in result["items"]]
            return result


@blp.route("/<uuid:contract_id>")
class ContractById(MethodView):
    @blp.response(200, ContractSchema)
    @allow_roles(*READERS)
    def get(self, contract_id: uuid.UUID):
        """Read one contract."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            contract = uow.session.get(Contract, str(contract_id))
            not_found_unless(
                contract is not None and sees_provider(principal, contract.provider_id)
            )
            return contract_view(contract)

    @blp.arguments(ContractPatchSchema)
    @blp.response(200, ContractSchema)
    @allow_roles("admin")
    def patch(self, body: dict, contract_id: uuid.UUID):
        """Amend a contract (places, price, end, districts) or terminate it."""
        require_role("admin")
        with current_runtime().unit_of_work() as uow:
            query = select(Contract).where(Contract.id == str(contract_id)).with_for_update()
            contract = uow.session.execute(query).scalar_one_or_none()
            not_found_unless(contract is not None, "contract")
            flow.change(uow, contract, body)
            return contract_view(contract)
