"""Reading the assessment page's forms and the assessment API's refusals of them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from services.portal.domain.casework import parse_local_moment
from services.portal.domain.questionnaire import Instrument
from services.portal.web.casework_common import PRIORITY_NAMES, SERVICE_TYPES
from services.portal.web.forms import field_errors
from shared.localtime import LOCAL_TZ

Errors = dict[str, list[str]]


def schedule_body(form: Mapping[str, str], now: datetime) -> tuple[dict, Errors]:
    """Return the schedule request and the errors a person must fix first."""
    errors: Errors = {}
    moment = parse_local_moment(form.get("scheduled_for", ""), LOCAL_TZ)
    if moment is None:
        errors["scheduled_for"] = [_("Write the date and time like 12.12.2026 10:00.")]
    elif moment < now:
        errors["scheduled_for"] = [_("This time has already passed. Choose a later one.")]
    place = (form.get("place") or "").strip()
    if not place:
        errors["place"] = [_("Write where the visit will be: the address or the centre.")]
    body: dict[str, Any] = {"scheduled_for": moment.isoformat() if moment else None,
                            "place": place}  # fmt: skip
    if form.get("place_type"):
        body["place_type"] = form["place_type"]
    return body, errors


def _yes_no(value: str | None) -> bool | None:
    return {"1": True, "2": False}.get(value or "")


def family_context(form: Mapping[str, str]) -> tuple[dict, Errors]:
    """Return what the case manager recorded about the family, and errors in it."""
    context: dict[str, Any] = {"protection_concern": form.get("protection_concern") == "true"}
    caregiver = _yes_no(form.get("caregiver_at_home"))
    if caregiver is not None:
        context["caregiver_at_home"] = caregiver
    errors: Errors = {}
    minutes = (form.get("travel_minutes_to_day_care") or "").strip()
    if minutes.isdigit() and int(minutes) <= 1440:
        context["travel_minutes_to_day_care"] = int(minutes)
    elif minutes:
        errors["travel_minutes_to_day_care"] = [_("Write the minutes as a number, e.g. 40.")]
    justification = (form.get("residential_justification") or "").strip()
    if justification:
        context["residential_justification"] = justification
    return context, errors


def question_message(api_message: str) -> str:
    """Word the assessment API's complaint about one question for the case manager."""
    if api_message.startswith("Missing answer"):
        return _("Choose an answer to this question.")
    if api_message.startswith("Not asked"):
        return _("This question is not asked after the earlier answers; clear its answer.")
    return _("Choose one of the answers shown.")


def complete_errors(api_fields: Any, instrument: Instrument) -> Errors:
    """Put the API's field errors next to the questions (and the other fields) they name."""
    errors: Errors = {}
    for name, messages in field_errors(api_fields).items():
        code = name.removeprefix("answers.")
        if instrument.question(code) is not None:
            errors[code] = [question_message(messages[0])] if messages else []
        elif name.startswith("family_context."):
            errors[name.removeprefix("family_context.")] = messages
        elif name != "answers":
            errors[name] = messages
    return errors


def override_body(form: Any) -> tuple[dict, Errors]:
    """Return the override request and the errors a person must fix first."""
    body: dict[str, Any] = {"reason": (form.get("reason") or "").strip()}
    errors: Errors = {}
    if form.get("priority") in PRIORITY_NAMES:
        body["priority"] = form["priority"]
    chosen = [s for s in form.getlist("service_types") if s in SERVICE_TYPES]
    if chosen:
        body["service_types"] = chosen
    if "priority" not in body and "service_types" not in body:
        errors["priority"] = [_("Choose a new priority, the services, or both.")]
    if not body["reason"]:
        errors["reason"] = [_("Write why you change the recommendation.")]
    return body, errors


def override_refusal(code: str, message: str) -> str:
    """Say why the assessment service refused an override."""
    texts = {
        "superseded": _("A later assessment of this child counts now; change that one."),
        "not_completed": _("Only a completed assessment can be changed."),
    }
    return texts.get(code) or message
