"""Turn a phone number as a gateway or a family writes it into E.164 (+992…)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "TJ"


def to_e164(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """Return the E.164 form of a valid number, or None when it is not one."""
    if not raw or not raw.strip():
        return None
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.isdigit() and text.startswith("992") and len(text) == 12:
        text = "+" + text  # gateways often drop the plus
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
