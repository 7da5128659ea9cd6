"""Words for why a provider fits, and for the referral service's refusals."""

from __future__ import annotations

from flask_babel import gettext as _

from services.portal.web.casework_common import LANGUAGE_NAMES, name_of


def reason_text(reason: str, values: dict) -> str:
    """Return one reason of a match in the page's language."""
    texts = {
        "free_places": lambda: _("%(free)s of %(places)s places free", **values),
        "full": lambda: _("full: no free place of %(places)s", **values),
        "proximity_same_district": lambda: _("in the child's district"),
        "proximity_same_region": lambda: _("in the same region"),
        "proximity_elsewhere": lambda: _("in another region"),
        "proximity_unknown": lambda: _("where it is located is not recorded"),
        "accredited": lambda: _("accredited"),
        "not_accredited": lambda: _("not accredited"),
        "near": lambda: _("less than 1 km away"),
        "distance": lambda: _("about %(km)s km away", **values),
        "speaks": lambda: _("works in %(language)s",
                            language=name_of(LANGUAGE_NAMES, values["language"])),
        "does_not_speak": lambda: _("does not work in %(language)s",
                                    language=name_of(LANGUAGE_NAMES, values["language"])),
    }  # fmt: skip
    text = texts.get(reason)
    return text() if text else reason


def refusal_message(code: str, message: str) -> str:
    """Return why the referral service refused, as a person can act on it."""
    texts = {
        "consent_required": _("The family has not agreed to share data with providers."),
        "provider_ineligible": _("This provider cannot take this child for this service."),
        "open_referral_exists": _("The child already has an open referral for this service."),
        "unknown_provider": _("This provider is not in the directory any more."),
        "places_available": _(
            "A provider still has a free place: send a referral instead of waiting."
        ),
    }
    return texts.get(code) or message or _("The referral service did not accept this.")
