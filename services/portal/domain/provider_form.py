"""The provider directory's form: what an admin typed turned into the referral API's body."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from services.portal.domain.dates import parse_date
from shared.vocabulary import PROVIDER_LANGUAGES, SERVICE_TYPES

# The form offers the two languages families and workers speak, of the directory's five.
LANGUAGES = tuple(lang for lang in PROVIDER_LANGUAGES if lang in ("tg", "ru"))
TEXTS = ("name", "organisation", "address", "phone", "accessibility_notes")
# Keys the form's error messages are looked up by (the page words them).
REQUIRED, WHOLE, NUMBER, DATE, ORDER = "required", "whole", "number", "date", "order"


def provider_body(
    form: Mapping[str, Any], lists: Callable[[str], list[str]], districts: set[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body and {field: error key}; `lists(name)` returns a multi-valued field."""
    body: dict[str, Any] = {k: (form.get(k) or "").strip() or None for k in TEXTS}
    errors: dict[str, str] = {}
    if not body["name"]:
        errors["name"] = REQUIRED
    body["service_types"] = [s for s in lists("service_types") if s in SERVICE_TYPES]
    body["districts_served"] = [d for d in lists("districts_served") if d in districts]
    body["languages"] = [x for x in lists("languages") if x in LANGUAGES]
    for name in ("service_types", "districts_served"):
        if not body[name]:
            errors[name] = REQUIRED
    body["district_code"] = form.get("district_code") if form.get("district_code") in districts \
        else None  # fmt: skip
    _whole(form, "places", body, errors, required=True)
    _whole(form, "min_age", body, errors)
    _whole(form, "max_age", body, errors)
    if not errors.get("min_age") and (body.get("min_age") or 0) > (body.get("max_age") or 17):
        errors["min_age"] = ORDER
    for name in ("latitude", "longitude"):
        _number(form, name, body, errors)
    text = (form.get("last_inspection_date") or "").strip()
    body["last_inspection_date"] = parse_date(text).isoformat() if parse_date(text) else None
    if text and body["last_inspection_date"] is None:
        errors["last_inspection_date"] = DATE
    body["accredited"] = form.get("accredited") == "true"
    return body, errors


def _whole(form: Mapping, name: str, body: dict, errors: dict, required: bool = False) -> None:
    text = (form.get(name) or "").strip()
    if not text:
        body[name] = None
        if required:
            errors[name] = REQUIRED
        return
    body[name] = int(text) if text.isdigit() else None
    if body[name] is None:
        errors[name] = WHOLE


def _number(form: Mapping, name: str, body: dict, errors: dict) -> None:
    text = (form.get(name) or "").strip().replace(",", ".")
    try:
        body[name] = float(text) if text else None
    except ValueError:
        body[name], errors[name] = None, NUMBER
