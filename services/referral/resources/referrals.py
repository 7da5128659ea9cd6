"""Referrals: a case manager sends, the provider answers, the loop closes."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.referral import queries as repo
from services.referral.domain.matching import ineligibility
from services.referral.flows import referrals as loop
from services.referral.flows.placing import send_referral
from services.referral.models import ChildRecord, Provider, Referral
from services.referral.resources.common import (
    audit_reads,
    child_in_scope,
    referral_in_scope,
    today,
)
from services.referral.schemas.referrals import (
    AcceptSchema,
    CancelSchema,
    CompleteSchema,
    DeclineSchema,
    ReferralCreateSchema,
    ReferralQueryArgsSchema,
    ReferralSchema,
    StartSchema,
)
from services.referral.settings import geography
from services.referral.views import referral_view
from shared import access_audit
from shared.auth import Principal, allow_roles, require_role
from shared.pagination import page_of, paginate
from shared.scope import in_districts
from shared.web import Blueprint, current_runtime, error

blp = Blueprint("referrals", __name__, url_prefix="/referrals", description="Closed-loop referrals")
READERS = ("case_manager", "provider", "admin")


def _view(session, referral: Referral, principal: Principal) -> dict:
    provider = session.get(Provider, referral.provider_id)
    child = session.get(ChildRecord, referral.child_id)
    return referral_view(referral, provider, child, principal, today())


@blp.route("")
class Referrals(MethodView):
    @blp.arguments(ReferralCreateSchema)
    @blp.response(201, ReferralSchema)
    @allow_roles("case_manager")
    def post(self, body: dict):
        """Refer a child to a provider (sent, with a respond-by time)."""
        principal = require_role("case_manager")
        with current_runtime().unit_of_work() as uow:
            child = child_in_scope(uow.session, principal, str(body["child_id"]))
            provider = uow.session.get(Provider, str(body["provider_id"]))
            _check_referral(uow.session, child, provider, body["service_type"])
            referral = _send(uow, child, provider, body["service_type"], principal.sub)
            return _view(uow.session, referral, principal)

    @blp.arguments(ReferralQueryArgsSchema, location="query")
    @blp.response(200, page_of(ReferralSchema))
    @allow_roles(*READERS)
    def get(self, args: dict):
        """List referrals in the caller's scope (a provider sees only its own)."""
        principal = require_role(*READERS)
        query = select(Referral).order_by(Referral.sent_at.desc(), Referral.id)
        if principal.role == "provider":
            query = query.where(Referral.provider_id == principal.provider_id)
        else:
            query = in_districts(query, Referral.district_code, principal)
        for name in ("status", "child_id", "provider_id", "service_type"):
            if name in args:
                query = query.where(getattr(Referral, name) == str(args[name]))
        with current_runtime().unit_of_work() as uow:
            page = paginate(uow.session, query, args["page"], args["page_size"])
            shown = [(r.id, r.child_id) for r in page["items"]]
            audit_reads(uow.session, principal, access_audit.LIST, "referral", shown)
            page["items"] = [_view(uow.session, r, principal) for r in page["items"]]
            return page


@blp.route("/<uuid:referral_id>")
class ReferralById(MethodView):
    @blp.response(200, ReferralSchema)
    @allow_roles(*READERS)
    def get(self, referral_id: uuid.UUID):
        """Read one referral (404 outside the caller's scope)."""
        principal = require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            referral = referral_in_scope(uow.session, principal, str(referral_id))
            shown = [(referral.id, referral.child_id)]
            audit_reads(uow.session, principal, access_audit.READ, "referral", shown)
            return _view(uow.session, referral, principal)


def _check_referral(session, child: ChildRecord, provider: Provider | None, kind: str) -> None:
    if child.erased_at is not None or not child.data_sharing:
        error(422, "the family has not consented to share data with providers",
              code="consent_required")  # fmt: skip
    if provider is None:
        error(422, "unknown provider", code="unknown_provider",
              fields={"provider_id": ["No provider with this id."]})  # fmt: skip
    taken = repo.places_taken(session, [provider.id]).get(provider.id, 0)
    why_not = ineligibility(
        repo.to_child(child), repo.to_provider(provider, taken), kind, today(), geography()
    )
    if why_not:
        error(422, f"the provider cannot take this child: {'; '.join(why_not)}",
              code="provider_ineligible", fields={"provider_id": why_not})  # fmt: skip
    # An open referral for the same service type is refused by the database's unique index
    # when the new one is written (_send): not asked for first on every referral.


def _send(uow, child, provider, kind: str, by: str) -> Referral:
    """Send the referral; a need the worker opened at the same moment is read and reused, and
    an open referral for the same service type (the unique index) is refused with a 422."""
    for _attempt in range(3):
        try:
            with uow.session.begin_nested():
                return send_referral(uow, child, provider, kind, by)
        except IntegrityError:
            if repo.open_referral(uow.session, child.id, kind) is not None:
                break  # a real open referral, created concurrently
    _open_referral_refusal(uow.session, child.id, kind)


def _open_referral_refusal(session, child_id: str, kind: str) -> None:
    existing = repo.open_referral(session, child_id, kind)
    error(422, f"the child already has an open referral for {kind}",
          code="open_referral_exists", fields={"service_type": ["An open referral exists."]},
          referral_id=existing.id if existing else None)  # fmt: skip


def _transition(referral_id: uuid.UUID, roles: tuple[str, ...], act) -> dict:
    principal = require_role(*roles)
    with current_runtime().unit_of_work() as uow:
        referral = referral_in_scope(uow.session, principal, str(referral_id), lock=True)
        act(uow, referral)
        return _view(uow.session, referral, principal)


@blp.route("/<uuid:referral_id>/accept")
class AcceptReferral(MethodView):
    @blp.arguments(AcceptSchema)
    @blp.response(200, ReferralSchema)
    @allow_roles("provider")
    def post(self, body: dict, referral_id: uuid.UUID):
        """Accept: the child takes one of the provider's places from the start date."""
        return _transition(
            referral_id, ("provider",), lambda uow, r: loop.accept(uow, r, body["start_date"])
        )


@blp.route("/<uuid:referral_id>/decline")
class DeclineReferral(MethodView):
    @blp.arguments(DeclineSchema)
    @blp.response(200, ReferralSchema)
    @allow_roles("provider")
    def post(self, body: dict, referral_id: uuid.UUID):
        """Decline with a coded reason (other needs a note)."""
        return _transition(
            referral_id,
            ("provider",),
            lambda uow, r: loop.decline(uow, r, body["reason"], body["note"]),
        )


@blp.route("/<uuid:referral_id>/start")
class StartReferral(MethodView):
    @blp.arguments(StartSchema)
    @blp.response(200, ReferralSchema)
    @allow_roles("provider")
    def post(self, _body: dict, referral_id: uuid.UUID):
        """Record that the service has started."""
        return _transition(referral_id, ("provider",), loop.start)


@blp.route("/<uuid:referral_id>/complete")
class CompleteReferral(MethodView):
    @blp.arguments(CompleteSchema)
    @blp.response(200, ReferralSchema)
    @allow_roles("provider")
    def post(self, body: dict, referral_id: uuid.UUID):
        """Complete the service with its outcome; the place goes to the next waiting child."""
        return _transition(
            referral_id, ("provider",), lambda uow, r: loop.complete(uow, r, body["outcome"])
        )


@blp.route("/<uuid:referral_id>/cancel")
class CancelReferral(MethodView):
    @blp.arguments(CancelSchema)
    @blp.response(200, ReferralSchema)
    @allow_roles("case_manager", "admin")
    def post(self, body: dict, referral_id: uuid.UUID):
        """Cancel an open referral (case manager of the child's district)."""
        return _transition(
            referral_id,
            ("case_manager", "admin"),
            lambda uow, r: loop.cancel(uow, r, body["reason"]),
        )
