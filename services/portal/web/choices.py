"""The registration form's lists in the page's language (concerns in plain words)."""

from __future__ import annotations

from flask_babel import gettext as _

from services.portal.domain import registration as rules
from services.portal.views import district_choices


def concern_labels() -> dict[str, str]:
    """Each Child Functioning Module domain as a worker would say it to a family."""
    return {
        "seeing": _("Has difficulty seeing"),
        "hearing": _("Has difficulty hearing"),
        "walking": _("Has difficulty walking or moving"),
        "fine_motor": _("Has difficulty picking up small things with the hands"),
        "communication": _("Is hard to understand, or does not understand others"),
        "learning": _("Has difficulty learning new things"),
        "playing": _("Has difficulty playing"),
        "controlling_behaviour": _("Kicks, bites or hits others much more than other children"),
        "self_care": _("Has difficulty feeding or dressing themselves"),
        "remembering": _("Has difficulty remembering things"),
        "concentrating": _("Has difficulty concentrating on an activity they enjoy"),
        "accepting_change": _("Has great difficulty accepting changes in routine"),
        "making_friends": _("Has difficulty making friends"),
        "anxiety": _("Seems very anxious, nervous or worried"),
        "depression": _("Seems very sad or depressed"),
    }


def _labelled(codes: tuple[str, ...], labels: dict[str, str]) -> list[tuple[str, str]]:
    """The API's own codes (shared.vocabulary), in its order, each with its words."""
    return [(code, labels[code]) for code in codes]


def registration_choices(districts: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Every option list of the registration form."""
    concerns = concern_labels()
    return {
        "districts": district_choices(districts),
        "sexes": _labelled(rules.SEXES, {"female": _("Girl"), "male": _("Boy")}),
        "relationships": _labelled(
            rules.RELATIONSHIPS,
            {
                "mother": _("Mother"),
                "father": _("Father"),
                "grandparent": _("Grandmother or grandfather"),
                "other_relative": _("Another relative"),
                "other": _("Someone else"),
            },
        ),
        "languages": _labelled(rules.GUARDIAN_LANGUAGES, {"tg": _("Tajik"), "ru": _("Russian")}),
        "sources": _labelled(
            rules.SOURCES,
            {
                "phw": _("Health worker's visit"),
                "sah_worker": _("Social worker's visit"),
                "parent": _("The parents asked"),
                "school": _("School or kindergarten"),
                "other": _("Other"),
            },
        ),
        "concerns": _labelled(rules.CONCERNS, concerns),
        "consent": [("true", _("Yes, they agree")), ("false", _("No, they do not agree"))],
    }
