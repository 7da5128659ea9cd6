"""What the quality pages share: the quality API, words for its codes, provider names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.web.casework_common import apis
from services.portal.web.errors import api_error_message, unavailable_message
from services.portal.web.forms import field_errors
from services.portal.web.guards import current_user
from services.portal.web.messages import localise_all
from shared.localtime import local_day
from shared.vocabulary import STANDARD_SERVICE_TYPES

# The six adopted specifications the quality service knows (README of services/quality).
SERVICE_TYPES = STANDARD_SERVICE_TYPES
SERVICE_TYPE_NAMES = {
    "home_based": _l("Home-based support"),
    "day_care": _l("Day-care centre"),
    "residential": _l("Residential care"),
    "respite_care": _l("Respite care"),
    "foster_care": _l("Foster care"),
    "supported_living": _l("Supported living"),
}
RATING_NAMES = {"met": _l("Met"), "partly_met": _l("Partly met"), "not_met": _l("Not met")}
LEVEL_NAMES = {
    "compliant": _l("Compliant"),
    "partly_compliant": _l("Partly compliant"),
    "non_compliant": _l("Not compliant"),
}
ACTION_STATUS = {"open": _l("Open"), "answered": _l("Answered"), "done": _l("Done")}
INSPECTORS = ("inspector", "admin")
READERS = ("inspector", "admin", "provider")


def service_type_name(code: str) -> str:
    """A service type in the page's language (the code when unknown)."""
    return str(SERVICE_TYPE_NAMES.get(code, code))


def service_type_choices() -> list[tuple[str, str]]:
    """(code, name) of the six service types."""
    return [(code, service_type_name(code)) for code in SERVICE_TYPES]


PAGE_SIZE = 100  # the most a page of the APIs' lists holds
MAX_PAGES = 100


def every(api: Any, path: str, params: dict | None = None) -> list[dict]:
    """All items of an API's list, page after page."""
    items: list[dict] = []
    for number in range(1, MAX_PAGES + 1):
        found = api.get(path, params={**(params or {}), "page": number, "page_size": PAGE_SIZE})
        batch = found.get("items", [])
        items.extend(batch)
        if not batch or len(items) >= found.get("total", 0):
            break
    return items


def provider_names(notices: list[str] | None = None) -> dict[str, str]:
    """Provider id → name from the referral directory; empty when it cannot be read, and then
    a notice saying so is added to notices."""
    user = current_user()
    try:
        if user.role == "provider":
            found = [apis().referral.get(f"/providers/{user.provider_id}")]
        else:
            found = every(apis().referral, "/providers")
    except ApiUnavailable as error:
        if notices is not None:
            notices.append(unavailable_message(error.service))
        return {}
    except ApiError as error:
        if notices is not None:
            notices.append(api_error_message(error))
        return {}
    return {p["id"]: p["name"] for p in found}


def provider_choices(names: dict[str, str]) -> list[tuple[str, str]]:
    """(id, name) pairs sorted by name."""
    return sorted(names.items(), key=lambda pair: pair[1].casefold())


def today() -> date:
    """Today in Dushanbe, whatever the server's clock zone."""
    return local_day(datetime.now(UTC))


def not_saved(error: ApiError | ApiUnavailable) -> tuple[list[str], int]:
    """What to tell when the API did not take a form (other than a 422), and the page's status:
    the form is shown again with what was written, so nothing is lost."""
    if isinstance(error, ApiUnavailable):
        reason, status = unavailable_message(error.service), 503
    else:
        reason, status = api_error_message(error), error.status if error.status < 500 else 502
    return [_("This was not saved. What you wrote is still in the form below."), reason], status


def onto_controls(errors: dict[str, list[str]], controls: set[str]) -> dict[str, list[str]]:
    """Errors whose name is no control of the page moved to the form's top, with their message."""
    out: dict[str, list[str]] = {}
    for name, messages in errors.items():
        out.setdefault(name if name in controls else "_form", []).extend(messages)
    return out


def api_refusal(error: ApiError) -> dict[str, list[str]] | None:
    """An API's 422 as {field: [localised messages]}; None for any other refusal."""
    if error.status != 422:
        return None
    errors = field_errors(error.fields) if error.fields else {}
    return localise_all(errors) if errors else {"_form": [_("Please check this answer.")]}


def date_error() -> str:
    """What to write when a date cannot be read."""
    return _("Write the date as dd.mm.yyyy, for example 12.04.2026.")


def whole_number(text: str, low: int, high: int) -> int | None:
    """A whole number typed within [low, high], or None."""
    text = (text or "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        return None
    return int(text)


def pairs(form: Any, prefix: str) -> dict[str, str]:
    """Form values whose names start with prefix, keyed by the rest of the name."""
    return {k[len(prefix) :]: v for k, v in form.items() if k.startswith(prefix)}
