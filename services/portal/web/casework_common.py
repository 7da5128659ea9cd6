"""What the case pages share: calling an API that may be down, and words for the APIs' codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l

from services.portal.apis import ApiClients, ApiError, ApiUnavailable
from services.portal.web.guards import portal
from shared.vocabulary import SERVICE_TYPES

T = TypeVar("T")

CASE_ROLES = ("case_manager",)
CHILD_PAGE_ROLES = ("phw", "sah_worker", "case_manager", "admin")

SERVICE_TYPE_NAMES = {
    "home_based": _l("Home-based support"),
    "day_care": _l("Day-care centre"),
    "residential": _l("Residential care"),
}
PRIORITY_NAMES = {"urgent": _l("Urgent"), "high": _l("High"), "routine": _l("Routine")}
SEX_NAMES = {"female": _l("Girl"), "male": _l("Boy")}
ASSESSMENT_STATUS = {
    "pending": _l("Waiting to be scheduled"),
    "scheduled": _l("Visit scheduled"),
    "completed": _l("Assessed"),
    "cancelled": _l("Cancelled"),
}
PLACE_TYPES = {
    "home_visit": _l("Home visit"),
    "centre": _l("At a centre"),
    "clinic": _l("At a clinic"),
}
DOMAIN_NAMES = {
    "seeing": _l("Seeing"),
    "hearing": _l("Hearing"),
    "walking": _l("Walking"),
    "fine_motor": _l("Using hands and fingers"),
    "self_care": _l("Self-care"),
    "communication": _l("Communication"),
    "learning": _l("Learning"),
    "remembering": _l("Remembering"),
    "concentrating": _l("Concentrating"),
    "accepting_change": _l("Accepting change"),
    "controlling_behaviour": _l("Behaviour"),
    "making_friends": _l("Making friends"),
    "playing": _l("Playing"),
    "anxiety": _l("Anxiety"),
    "depression": _l("Sadness, depression"),
}
REFERRAL_STATUS = {
    "sent": _l("Sent, waiting for an answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("No answer in time"),
    "in_progress": _l("Service started"),
    "completed": _l("Service completed"),
    "cancelled": _l("Cancelled"),
}
DECLINE_REASONS = {
    "no_capacity": _l("no free place"),
    "outside_area": _l("outside the area it serves"),
    "not_eligible": _l("the child does not meet the provider's criteria"),
    "family_unreachable": _l("the family could not be reached"),
    "other": _l("another reason"),
}
SMS_STATUS = {
    "pending": _l("waiting to be sent"),
    "held": _l("held until morning (quiet hours)"),
    "sent": _l("sent, not yet confirmed"),
    "delivered": _l("delivered"),
    "failed": _l("not delivered"),
    "cancelled": _l("cancelled"),
}
LANGUAGE_NAMES = {"tg": _l("Tajik"), "ru": _l("Russian"), "en": _l("English")}


def apis() -> ApiClients:
    """The API clients acting as the logged-in user."""
    return portal().apis


def name_of(table: dict[str, Any], code: str | None) -> str:
    """Return the page-language name of an API code (the code itself when unknown)."""
    return str(table.get(code or "", code or ""))


def required(call: Callable[[], T]) -> T:
    """Call an API whose answer the page cannot do without; a missing record is a 404 page."""
    try:
        return call()
    except ApiError as error:
        if error.status in (403, 404):
            abort(404 if error.status == 404 else 403)
        raise


def optional(call: Callable[[], T], down: list[str], service: str) -> T | None:
    """Call an API for one part of a page; if it fails, note it and let the page go on."""
    try:
        return call()
    except (ApiUnavailable, ApiError):
        down.append(service)
        return None


def items_of(body: Any) -> list[dict]:
    """Return the items of a list answer ([] for anything else)."""
    if isinstance(body, dict):
        return list(body.get("items") or [])
    return list(body) if isinstance(body, list) else []


def child_name(child: dict | None) -> str:
    """The child's name as written at registration."""
    child = child or {}
    parts = (child.get("given_name"), child.get("family_name"))
    return " ".join(p for p in parts if p) or str(_l("Child"))


RULE_TEXTS = {
    "priority.protection_concern": _l(
        "A protection concern makes the case urgent, whatever the answers."
    ),
    "priority.under_3_with_difficulty": _l(
        "A child under 3 with a functional difficulty is urgent: every month counts."
    ),
    "priority.cannot_do_at_all": _l("An area answered “cannot do at all” needs support soon."),
    "priority.several_domains": _l("Difficulty in two or more areas needs support soon."),
    "priority.no_caregiver_at_home": _l(
        "No one can care for the child at home, and the child has a functional difficulty."
    ),
    "priority.other_children_with_disabilities": _l(
        "The family already cares for other children with disabilities."
    ),
    "priority.urgent_screening_confirmed": _l(
        "The screening at registration was urgent and the assessment confirms a difficulty."
    ),
    "priority.routine": _l("No more pressing rule applies: routine."),
    "priority.no_rule_matched": _l("No priority rule applied: routine."),
    "service.home_based_first": _l("Support at home comes first while a caregiver is at home."),
    "service.day_care_within_reach": _l(
        "A day-care centre is within an hour's travel (or the travel time is not known) "
        "and the child is 2 or older."
    ),
    "service.home_based_without_caregiver": _l(
        "No caregiver is at home: home-based care by social workers keeps the child in the family."
    ),
    "service.residential_last_resort": _l(
        "Residential care as a last resort: justified in writing, and no one can care "
        "for the child at home."
    ),
    "service.none_without_difficulty": _l(
        "No functional difficulty: no referral. Give the family information and review "
        "at the next contact if concerns remain."
    ),
    "override": _l("Changed by the case manager."),
}


def rule_text(rule: dict | None) -> str:
    """Return a recommendation rule in the page's language (its own words when unknown)."""
    rule = rule or {}
    known = RULE_TEXTS.get(rule.get("id") or "")
    return str(known) if known else str(rule.get("description") or "")


def template_helpers() -> dict[str, Any]:
    """Names the case pages' templates use (add with `bp.context_processor`)."""
    return {
        "names": {
            "service_type": SERVICE_TYPE_NAMES,
            "priority": PRIORITY_NAMES,
            "sex": SEX_NAMES,
            "assessment_status": ASSESSMENT_STATUS,
            "place_type": PLACE_TYPES,
            "domain": DOMAIN_NAMES,
            "referral_status": REFERRAL_STATUS,
            "decline_reason": DECLINE_REASONS,
            "sms_status": SMS_STATUS,
            "language": LANGUAGE_NAMES,
        },  # fmt: skip
        "name_of": name_of,
        "ordered_domains": ordered_domains,
        "rule_text": rule_text,
        "child_name": child_name,
        "service_types": SERVICE_TYPES,
    }


def api_field_errors(fields: Any, message: str = "") -> dict[str, list[str]]:
    """Return an API's field errors in the page's language, keeping its own words when unknown."""
    from flask_babel import gettext as _

    from services.portal.web.forms import field_errors
    from services.portal.web.messages import localise

    generic = _("Please check this answer.")
    errors: dict[str, list[str]] = {}
    for name, messages in field_errors(fields).items():
        said = [localise(m) if localise(m) != generic else f"{generic} ({m})" for m in messages]
        errors[name] = list(dict.fromkeys(said))
    if message and not errors:
        errors["_form"] = [message]
    return errors


def ordered_domains(result: dict) -> list[tuple[str, dict]]:
    """Return a result's domains, those with a difficulty first, then in the module's order."""
    order = list(DOMAIN_NAMES)
    domains = (result or {}).get("domains") or {}
    return sorted(
        domains.items(),
        key=lambda item: (
            not item[1].get("difficulty"),
            order.index(item[0]) if item[0] in order else 99,
        ),
    )
