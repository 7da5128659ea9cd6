"""The APIs' English field messages, said again in the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

KNOWN = {
    "Missing data for required field.": _l("Please fill this in."),
    "Field may not be null.": _l("Please fill this in."),
    "Not a valid date.": _l("Write the date as dd.mm.yyyy, for example 12.04.2023."),
    "Not a valid boolean.": _l("Please choose one answer."),
    "Enter a phone number.": _l("Enter a phone number."),
    "Use digits only, with spaces, dashes or brackets if you like.": _l(
        "Use digits only; spaces, dashes and brackets are fine."
    ),
    "Only Tajik numbers (+992) are accepted.": _l("Only Tajik numbers (+992) are accepted."),
    "This is not a valid Tajik mobile or landline number.": _l(
        "This is not a valid Tajik mobile or landline number."
    ),
    "The number is too short: a Tajik number has 9 digits after +992.": _l(
        "The number is too short: a Tajik number has 9 digits after +992."
    ),
    "The number is too long: a Tajik number has 9 digits after +992.": _l(
        "The number is too long: a Tajik number has 9 digits after +992."
    ),
    "Enter a name.": _l("Enter a name."),
    "Start the name with a letter.": _l("Start the name with a letter."),
    "Do not end the name with a hyphen.": _l("Do not end the name with a hyphen."),
    "The date of birth cannot be in the future.": _l("The date of birth cannot be in the future."),
    "Say why the child needs to be seen urgently.": _l(
        "Say why the child needs to be seen urgently."
    ),
    "Unknown district code; use a code from the districts list.": _l(
        "Choose a district from the list."
    ),
}
PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (
        re.compile(r"^The child must be under (\d+)"),
        lambda m: _("The child must be under %(years)s years old.", years=m.group(1)),
    ),
    (
        re.compile(r"^Use at most (\d+) characters"),
        lambda m: _("Use at most %(count)s characters.", count=m.group(1)),
    ),
    (
        re.compile(r"^Use at least (\d+) letters"),
        lambda m: _("Use at least %(count)s letters.", count=m.group(1)),
    ),
    (
        re.compile(r"mixes Cyrillic and Latin"),
        lambda m: _("Write each word in one alphabet, Cyrillic or Latin."),
    ),
    (re.compile(r"^Must be one of"), lambda m: _("Please choose one of the options.")),
    (re.compile(r"^Unknown concern"), lambda m: _("Please choose one of the options.")),
]


def localise(message: str) -> str:
    """Return an API message in the page's language (a general one when it is unknown)."""
    if message in KNOWN:
        return str(KNOWN[message])
    for pattern, say in PATTERNS:
        match = pattern.search(message)
        if match:
            return say(match)
    return _("Please check this answer.")


def localise_all(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Localise every message of a {field: [messages]} mapping, without repeats."""
    return {name: list(dict.fromkeys(localise(m) for m in msgs)) for name, msgs in errors.items()}
