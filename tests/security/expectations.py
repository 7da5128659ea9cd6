"""Who may call what (contract §2, §5 and the service work items), as data.

Each operation lists the roles that must get through (`allow`) and the roles that must get 403
(`deny`). A role in neither list is one the contract leaves open: either answer is accepted, as
long as it is not a 404 for an in-scope record, a 5xx, or another district's data. Paths are
written with `{}` for every path parameter, whatever the service names it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.security.people import (
    OVERRIDE_NOTE,
    care_plan_body,
    complete_body,
    contract_body,
    inspection_body,
    provider_body,
    registration,
    review_body,
    revised_plan_body,
    standard_body,
)

# contract §2 and 1.1 §8 (partner), and the quality service's inspector.
ROLES = ("phw", "sah_worker", "case_manager", "provider", "admin", "partner", "inspector")
FIELD_STAFF = ("phw", "sah_worker")
CHILD_STAFF = ("phw", "sah_worker", "case_manager")
NOT_ADMIN = ("phw", "sah_worker", "case_manager", "provider", "partner", "inspector")
# Roles that work with no district and no provider: they see every record they may read.
UNSCOPED_ROLES = ("admin", "partner")


def rule(allow: tuple[str, ...], deny: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {"allow": allow, "deny": deny}


QUALITY_READERS = ("inspector", "admin", "provider", "case_manager")
QUALITY_OUTSIDERS = (*FIELD_STAFF, "partner")

ROLE_TABLE: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "intake": {
        # issue: "POST /children, roles phw, sah_worker, case_manager"; providers see no child.
        "POST /children": rule(CHILD_STAFF, ("provider", "admin")),
        "GET /children": rule((*CHILD_STAFF, "admin"), ("provider",)),
        "GET /children/{}": rule((*CHILD_STAFF, "admin"), ("provider",)),
        "PATCH /children/{}": rule(CHILD_STAFF, ("provider",)),
        "POST /children/{}/withdraw-consent": rule(CHILD_STAFF, ("provider",)),
        # issue: "admins can read a child's audit trail" (an addition to the contract's list).
        "GET /children/{}/audit": rule(("admin",), NOT_ADMIN),
        # contract 1.1 §7: reference data, no personal data, any signed-in user.
        "GET /districts": rule(ROLES, ()),
        "POST /children/{}/merge": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
    },
    "assessment": {
        # The worklist and the answers are the case manager's; field workers and providers need
        # neither (data minimisation: a provider never sees assessment answers).
        "GET /assessments": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        "GET /assessments/{}": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        "POST /assessments/{}/schedule": rule(("case_manager",), (*FIELD_STAFF, "provider")),
        "POST /assessments/{}/complete": rule(("case_manager",), (*FIELD_STAFF, "provider")),
        # issue: "the case manager may override with a reason" (an addition to the contract).
        "POST /assessments/{}/override": rule(("case_manager",), (*FIELD_STAFF, "provider")),
    },
    "referral": {
        "POST /providers": rule(("admin",), NOT_ADMIN),
        "PATCH /providers/{}": rule(("admin",), NOT_ADMIN),
        # The directory holds no child's data; an inspector picks the provider it inspects in it.
        "GET /providers": rule(("case_manager", "provider", "admin", "inspector"), ()),
        "GET /providers/{}": rule(("case_manager", "provider", "admin", "inspector"), ()),
        # A provider's own free places (409 once its places follow contracts, as P's do).
        "PUT /providers/{}/places": rule(("provider",), (*CHILD_STAFF, "admin")),
        # Children waiting and the needs nobody meets: the case manager's and the ministry's.
        "GET /waitlist": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        "GET /needs": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        "GET /reports/providers": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        "GET /reports/coverage": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        "GET /children/{}/matches": rule(("case_manager",), ("provider",)),
        "POST /referrals": rule(("case_manager",), (*FIELD_STAFF, "provider")),
        "GET /referrals": rule(("case_manager", "provider", "admin"), ()),
        "GET /referrals/{}": rule(("case_manager", "provider", "admin"), ()),
        "POST /referrals/{}/accept": rule(("provider",), FIELD_STAFF),
        "POST /referrals/{}/decline": rule(("provider",), FIELD_STAFF),
        "POST /referrals/{}/start": rule(("provider",), FIELD_STAFF),
        "POST /referrals/{}/complete": rule(("provider",), FIELD_STAFF),
        "POST /referrals/{}/cancel": rule(("case_manager",), (*FIELD_STAFF, "provider")),
        "POST /waitlist": rule(("case_manager",), (*FIELD_STAFF, "provider")),
        "GET /reports/summary": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        # The ministry's figures: funded places against use and cost, and coded outcomes.
        "GET /reports/commissioning": rule(("admin",), NOT_ADMIN),
        "GET /reports/outcomes": rule(("admin",), NOT_ADMIN),
        # The care plan is kept by the provider running the service and the district's case
        # manager; an admin reads it; field workers, partners and inspectors see no child's plan.
        "GET /referrals/{}/care-plan": rule(
            ("provider", "case_manager", "admin"), (*FIELD_STAFF, "partner", "inspector")
        ),
        **{
            f"POST /referrals/{{}}/care-plan{tail}": rule(
                ("provider", "case_manager"), (*FIELD_STAFF, "admin", "partner", "inspector")
            )
            for tail in ("", "/reviews", "/close")
        },
        "PUT /referrals/{}/care-plan": rule(
            ("provider", "case_manager"), (*FIELD_STAFF, "admin", "partner", "inspector")
        ),
        # The stage of the children a health worker registered: ids and times, no personal data.
        "GET /children/stages": rule((*CHILD_STAFF, "admin"), ("provider",)),
        # contract §8: read-only FHIR for admins and partners; every other role 403.
        **{
            f"GET /fhir/{path}": rule(("admin", "partner"), (*NOT_ADMIN[:4], "inspector"))
            for path in (
                "metadata",
                "ServiceRequest/{}",
                "Task/{}",
                "Organization/{}",
                "HealthcareService/{}",
                "Patient/{}",
                "Bundle/{}",
            )
        },  # fmt: skip
    },
    "notifications": {
        # issue: "for case managers of the child's district and admins".
        "GET /notifications": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        "GET /notifications/{}": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        # issue: unknown replies "are recorded for a case manager": a family's words and phone.
        "GET /inbound-messages": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
        # The case manager answers the family's replies by SMS.
        "POST /children/{}/messages": rule(("case_manager", "admin"), (*FIELD_STAFF, "provider")),
    },
    "quality": {
        # services/quality/README.md: the ministry publishes standards; everyone who works to
        # them or inspects against them reads them. Field workers and partners have no need.
        "POST /standards": rule(("admin",), NOT_ADMIN),
        "GET /standards": rule(QUALITY_READERS, QUALITY_OUTSIDERS),
        "GET /standards/{}": rule(QUALITY_READERS, QUALITY_OUTSIDERS),
        "POST /inspections": rule(("inspector", "admin"), (*CHILD_STAFF, "provider", "partner")),
        # A provider reads its own inspections, actions and contracts only (others 404).
        "GET /inspections": rule(QUALITY_READERS, QUALITY_OUTSIDERS),
        "GET /inspections/{}": rule(QUALITY_READERS, QUALITY_OUTSIDERS),
        "GET /actions": rule(QUALITY_READERS, QUALITY_OUTSIDERS),
        "POST /actions/{}/answer": rule(
            ("provider",), (*CHILD_STAFF, "admin", "partner", "inspector")
        ),
        "POST /actions/{}/follow-up": rule(
            ("inspector", "admin"), (*CHILD_STAFF, "provider", "partner")
        ),
        "POST /contracts": rule(("admin",), NOT_ADMIN),
        "PATCH /contracts/{}": rule(("admin",), NOT_ADMIN),
        "GET /contracts": rule(QUALITY_READERS, QUALITY_OUTSIDERS),
        "GET /contracts/{}": rule(QUALITY_READERS, QUALITY_OUTSIDERS),
    },
}

# The services written before partners and inspectors: neither role may use anything in them
# that the table does not let it use (an inspector judges providers, never a child's record).
for _service in ("intake", "assessment", "referral", "notifications"):
    for _rule in ROLE_TABLE[_service].values():
        _extra = tuple(r for r in ("partner", "inspector") if r not in _rule["allow"])
        _rule["deny"] = tuple(dict.fromkeys((*_rule["deny"], *_extra)))

# Callbacks of the SMS gateway: a shared secret in X-Gateway-Secret, not a user's token.
GATEWAY_OPERATIONS = {"POST /delivery-receipts", "POST /inbound-sms"}
# Kannel's callbacks (contract §8): the same secret, carried as `?secret=` in Kannel's URLs.
KANNEL_OPERATIONS = {"GET /gateways/kannel/dlr", "GET /gateways/kannel/inbound"}
# Served by every app without a token (contract §1).
OPEN_PATHS = {"/healthz", "/readyz", "/metrics", "/openapi.json"}

# The resource a path parameter names, from the path segment before it.
RESOURCE_OF_SEGMENT = {
    "children": "child",
    "assessments": "assessment",
    "referrals": "referral",
    "notifications": "notification",
    "providers": "provider",
    # FHIR (contract §8): a referral's ServiceRequest, Task and Bundle; a provider; a child.
    "ServiceRequest": "referral",
    "Task": "referral",
    "Bundle": "referral",
    "Organization": "provider",
    "HealthcareService": "provider",
    "Patient": "child",
    # quality (services/quality/README.md)
    "standards": "standard",
    "inspections": "inspection",
    "actions": "action",
    "contracts": "contract",
}
SCOPED_RESOURCES = {"child", "assessment", "referral", "notification"}
# Quality's records: a provider's user sees its own provider's only; other readers see all.
PROVIDER_SCOPED_RESOURCES = {"inspection", "action", "contract"}
# Operations whose body names a scoped record (or, for a registration, a district).
BODY_SCOPED = {"POST /children", "POST /referrals", "POST /waitlist"}
# Query parameters that aim a list at a scoped record or district.
SCOPING_QUERY = {"child_id", "district_code", "district", "provider_id"}


def body_for(operation: str, refs: dict[str, Any], today: str) -> dict[str, Any] | None:
    """A valid request body for an operation, naming the records in refs (None: no body)."""
    bodies: dict[str, Any] = {
        "POST /children": registration(refs["person"], date.fromisoformat(today)),
        "POST /providers": provider_body("Маркази нав", refs["district"], "+992 37 222 4400"),
        "POST /assessments/{}/complete": complete_body(),
        "PATCH /children/{}": {"child": {"village": "Чорбоғи Поён"}},
        "POST /children/{}/withdraw-consent": {},
        # Into a child that does not exist: the call is judged, the world is left as it is.
        "POST /children/{}/merge": {"into": "5d1c3a8e-0000-4000-8000-00000000000f", "reason": "x"},
        "POST /children/{}/messages": {"text": "Салом! Пагоҳ соати 10 меоям."},
        "POST /assessments/{}/schedule": {
            "scheduled_for": f"{refs['future_day']}T10:00:00+05:00",
            "place": "home visit",
        },
        "POST /assessments/{}/override": {"priority": "urgent", "reason": OVERRIDE_NOTE},
        "PATCH /providers/{}": {"places": 20},
        "PUT /providers/{}/places": {"free_places": 3},
        "POST /referrals": {
            "child_id": refs["child"],
            "provider_id": refs["provider"],
            "service_type": "day_care",
        },
        "POST /referrals/{}/accept": {"start_date": refs["future_day"]},
        "POST /referrals/{}/decline": {"reason": "no_capacity", "note": ""},
        "POST /referrals/{}/start": {},
        "POST /referrals/{}/complete": {"outcome": "goals met"},
        "POST /referrals/{}/cancel": {"reason": "family moved"},
        "POST /waitlist": {"child_id": refs["child"], "service_type": "day_care"},
        "POST /referrals/{}/care-plan": care_plan_body(refs["future_day"]),
        "POST /referrals/{}/care-plan/reviews": review_body(today, refs["future_day"], ""),
        "POST /referrals/{}/care-plan/close": {"outcome": "goals_met"},
        # Replaces the first revision: once one role has revised, the others get 409.
        "PUT /referrals/{}/care-plan": revised_plan_body(refs["future_day"], 1),
        # A version that comes into force later: the versions in force today stay as they are.
        "POST /standards": standard_body(refs["future_day"]),
        "POST /inspections": inspection_body(refs["provider"], today, refs["future_day"]),
        "POST /actions/{}/answer": {"response": "The assistant finished the course."},
        "POST /actions/{}/follow-up": {
            "outcome": "reopened",
            "note": "",
            "due_date": refs["future_day"],
        },
        # No places: the provider's places in referral stay as the seeded contracts make them.
        "POST /contracts": contract_body(
            refs["provider"], refs["district"], today, refs["future_day"], 0
        ),
        "PATCH /contracts/{}": {"places": 20},
        "POST /delivery-receipts": {
            "notification_id": refs["notification"],
            "status": "delivered",
            "at": f"{today}T09:00:00+05:00",
        },
        "POST /inbound-sms": {
            "from": refs["phone"],
            "text": "START",
            "received_at": f"{today}T09:00:00+05:00",
        },
    }
    return bodies.get(operation)


def query_for(parameter: str, refs: dict[str, Any]) -> str | None:
    """A value for a query parameter an operation declares, aimed at the records in refs."""
    values = {
        "child_id": refs["child"],
        "district_code": refs["district"],
        "district": refs["district"],
        "provider_id": refs["provider"],
        "service_type": "day_care",
    }
    return values.get(parameter)
