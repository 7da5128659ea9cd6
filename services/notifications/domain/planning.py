"""Which SMS an event causes: recipient, template, language and the values to fill in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.due_dates import DueTargets, due_date

from .localise import place_name, provider_name
from .templates import DEFAULT_LANGUAGE

GUARDIAN = "guardian"
PROVIDER = "provider"
# Replies to STOP/START: sent whatever the hour, the cap or the opt-out.
CONFIRMATIONS = frozenset({"opted_out", "opted_in"})


@dataclass(frozen=True)
class Contact:
    """What the service keeps about a child to reach the family."""

    child_id: str
    given_name: str | None
    phone: str | None
    language: str | None
    sms_consent: bool
    sms_capable: bool = True
    district_code: str | None = None
    erased: bool = False

    @property
    def reachable(self) -> bool:
        """Tell whether the family agreed to SMS and has a phone that can receive one."""
        return bool(self.phone) and self.sms_consent and self.sms_capable and not self.erased


@dataclass(frozen=True)
class PlanSettings:
    """Numbers the wording depends on (the case manager's contact deadline)."""

    # The days assessment gives itself: the family is promised a call by the assessment's due date.
    due_targets: DueTargets = DueTargets()


@dataclass(frozen=True)
class Draft:
    """One SMS to create for an event."""

    recipient: str
    template: str
    language: str
    to: str
    values: Mapping[str, Any]
    subject_id: str | None = None


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _reference(referral_id: str) -> str:
    """Short reference a provider can match in its referral list."""
    return referral_id.replace("-", "")[:8].upper()


def _registered(p: Mapping[str, Any], s: PlanSettings) -> dict[str, Any]:
    urgent = bool((p.get("screening") or {}).get("urgent"))
    return {"contact_by": due_date(_moment(p["registered_at"]), urgent, s.due_targets)}


def _scheduled(p: Mapping[str, Any], s: PlanSettings) -> dict[str, Any]:
    return {"when": _moment(p["scheduled_for"]), "place": p["place"]}


def _accepted(p: Mapping[str, Any], s: PlanSettings) -> dict[str, Any]:
    provider = p.get("provider") or {}
    return {
        "provider_name": provider.get("name") or "",
        "address": provider.get("address") or "-",
        "phone": provider.get("phone") or "-",
        "start_date": _day(p["start_date"]),
    }


def _waitlisted(p: Mapping[str, Any], s: PlanSettings) -> dict[str, Any]:
    return {"position": p["position"]}


def _provider_request(p: Mapping[str, Any], s: PlanSettings) -> dict[str, Any]:
    return {"ref": _reference(str(p["referral_id"])), "respond_by": _moment(p["respond_by"])}


def _review(p: Mapping[str, Any], s: PlanSettings) -> dict[str, Any]:
    return {"review_date": _day(p["review_date"])}


def _nothing(p: Mapping[str, Any], s: PlanSettings) -> dict[str, Any]:
    return {}


ValuesFn = Callable[[Mapping[str, Any], PlanSettings], dict[str, Any]]

# Event type -> (recipient, template, values). Events not listed here send nothing.
MESSAGES: dict[str, tuple[str, str, ValuesFn]] = {
    "child.registered": (GUARDIAN, "child_registered", _registered),
    "assessment.scheduled": (GUARDIAN, "assessment_scheduled", _scheduled),
    "assessment.completed": (GUARDIAN, "assessment_completed", _nothing),
    "referral.accepted": (GUARDIAN, "referral_accepted", _accepted),
    "referral.waitlisted": (GUARDIAN, "referral_waitlisted", _waitlisted),
    "referral.declined": (GUARDIAN, "referral_declined", _nothing),
    "referral.expired": (GUARDIAN, "referral_expired", _nothing),
    "referral.completed": (GUARDIAN, "referral_completed", _nothing),
    "care_plan.review_scheduled": (GUARDIAN, "care_plan_review_scheduled", _review),
    "care_plan.reviewed": (GUARDIAN, "care_plan_reviewed", _nothing),
    "referral.sent": (PROVIDER, "provider_referral_sent", _provider_request),
    "referral.reminder": (PROVIDER, "provider_referral_reminder", _provider_request),
}


def plan(
    event_type: str,
    payload: Mapping[str, Any],
    contact: Contact | None,
    settings: PlanSettings | None = None,
) -> list[Draft]:
    """Return the SMS an event should cause (empty when nobody can or may be told)."""
    rule = MESSAGES.get(event_type)
    if rule is None:
        return []
    recipient, template, values_fn = rule
    values = values_fn(payload, settings or PlanSettings())
    subject = payload.get("referral_id") or payload.get("assessment_id")
    if recipient == PROVIDER:
        provider = payload.get("provider") or {}
        if not provider.get("phone"):
            return []
        language = provider.get("language") or DEFAULT_LANGUAGE
        return [Draft(PROVIDER, template, language, provider["phone"], values, subject)]
    if contact is None or not contact.reachable or not contact.given_name:
        return []
    language = contact.language or DEFAULT_LANGUAGE
    values = {"given_name": contact.given_name, **values, **_in_language(payload, language)}
    return [Draft(GUARDIAN, template, language, str(contact.phone), values, subject)]


def _in_language(payload: Mapping[str, Any], language: str) -> dict[str, Any]:
    """Return the names an SMS shows in the family's language (provider, kind of place)."""
    names: dict[str, Any] = {}
    if payload.get("provider"):
        names["provider_name"] = provider_name(payload["provider"], language)
    if payload.get("place"):
        names["place"] = place_name(str(payload["place"]), language)
    return names


def confirmation(template: str, phone: str, language: str | None) -> Draft:
    """Return the reply to an opt-out or opt-in."""
    if template not in CONFIRMATIONS:
        raise ValueError(f"{template!r} is not a confirmation")
    return Draft(GUARDIAN, template, language or DEFAULT_LANGUAGE, phone, {})
