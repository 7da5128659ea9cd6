"""Read-only FHIR R4 for partners: referrals (ServiceRequest, Task), providers, children.

Admin and partner tokens only (every other role 403); a partner sees what an admin sees, read
only. Answers are `application/fhir+json`; errors are OperationOutcome resources.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask.views import MethodView
from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from services.referral.fhir import build
from services.referral.fhir.documents import bundle, capability_statement, operation_outcome
from services.referral.models import ChildRecord, Provider, Referral
from shared.auth import require_role
from shared.web import Blueprint, current_runtime, error

READERS = ("admin", "partner")
FHIR_DOC = {"description": "Read-only FHIR R4 (`application/fhir+json`); roles admin and partner."}

blp = Blueprint("fhir", __name__, url_prefix="/fhir", description="FHIR R4 for partners")


def fhir_response(resource: dict[str, Any], status: int = 200) -> Response:
    """A FHIR JSON answer (UTF-8, not escaped)."""
    body = json.dumps(resource, ensure_ascii=False)
    return Response(body, status, content_type=f"{build.FHIR_JSON}; charset=utf-8")


@blp.errorhandler(HTTPException)
def _outcome(exc: HTTPException) -> Response:
    """Every 4xx/5xx under /fhir as an OperationOutcome, with the message the platform gives."""
    data = getattr(exc, "data", None) or {}
    message = data.get("message") or exc.description or exc.name
    status = exc.code or 500
    response = fhir_response(operation_outcome(status, str(message)), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _shared(child: ChildRecord | None) -> bool:
    """Tell whether the family consented to sharing the child's data (and it is not erased)."""
    return bool(child and child.data_sharing and child.erased_at is None)


def _referral_parts(session: Session, referral_id: str):
    referral = session.get(Referral, referral_id)
    if referral is None:
        error(404, f"ServiceRequest/{referral_id} not found")
    provider = session.get(Provider, referral.provider_id)
    child = session.get(ChildRecord, referral.child_id)
    return referral, provider, child, _shared(child)


def _provider(session: Session, provider_id: str) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None:
        error(404, f"Organization/{provider_id} not found")
    return provider


@blp.route("/metadata")
class Metadata(MethodView):
    @blp.doc(**FHIR_DOC)
    def get(self):
        """The CapabilityStatement: which resources may be read."""
        require_role(*READERS)
        return fhir_response(capability_statement(current_runtime().now()))


@blp.route("/ServiceRequest/<referral_id>")
class ServiceRequestById(MethodView):
    @blp.doc(**FHIR_DOC)
    def get(self, referral_id: str):
        """A referral as a ServiceRequest: what is asked, for whom, by whom."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            referral, provider, child, shared = _referral_parts(uow.session, referral_id)
            return fhir_response(build.service_request(referral, provider, shared, child))


@blp.route("/Task/<referral_id>")
class TaskById(MethodView):
    @blp.doc(**FHIR_DOC)
    def get(self, referral_id: str):
        """A referral's fulfilment as a Task, its status mapped from the referral's."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            referral, provider, child, shared = _referral_parts(uow.session, referral_id)
            return fhir_response(build.task(referral, provider, shared, child))


@blp.route("/Organization/<provider_id>")
class OrganizationById(MethodView):
    @blp.doc(**FHIR_DOC)
    def get(self, provider_id: str):
        """A provider as an Organization."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            return fhir_response(build.organization(_provider(uow.session, provider_id)))


@blp.route("/HealthcareService/<provider_id>")
class HealthcareServiceById(MethodView):
    @blp.doc(**FHIR_DOC)
    def get(self, provider_id: str):
        """What a provider offers, as a HealthcareService (same id as its Organization)."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            return fhir_response(build.healthcare_service(_provider(uow.session, provider_id)))


@blp.route("/Patient/<child_id>")
class PatientById(MethodView):
    @blp.doc(**FHIR_DOC)
    def get(self, child_id: str):
        """A referred child, minimal, only with the family's consent to data sharing (else 404)."""
        require_role(*READERS)
        with current_runtime().unit_of_work() as uow:
            child = uow.session.get(ChildRecord, child_id)
            referred = uow.session.scalar(select(exists().where(Referral.child_id == child_id)))
            if not (_shared(child) and referred):
                error(404, f"Patient/{child_id} not found")
            return fhir_response(build.patient(child))


@blp.route("/Bundle/<referral_id>")
class BundleById(MethodView):
    @blp.doc(**FHIR_DOC)
    def get(self, referral_id: str):
        """Everything about one referral as a collection Bundle with the referral's id."""
        require_role(*READERS)
        runtime = current_runtime()
        with runtime.unit_of_work() as uow:
            referral, provider, child, shared = _referral_parts(uow.session, referral_id)
            resources = [
                build.service_request(referral, provider, shared, child),
                build.task(referral, provider, shared, child),
                build.organization(provider),
                build.healthcare_service(provider),
            ]
            if shared:
                resources.append(build.patient(child))
            base = request.url_root.rstrip("/") + "/fhir"
            return fhir_response(bundle(referral.id, resources, base, runtime.now()))
