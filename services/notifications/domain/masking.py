"""Mask phone numbers before they reach a log line, an event or an API answer."""

from __future__ import annotations

import re

import phonenumbers

_KEEP = 4
_PHONE_IN_TEXT = re.compile(r"(?<![\w*+])\+?\d(?:[ ()]?\d){8,14}(?!\w)")


def _country_prefix(phone: str) -> str:
    """Return "+<country code>" of an E.164 number, or "" when it cannot be parsed."""
    if not phone.startswith("+"):
        return ""
    try:
        return f"+{phonenumbers.parse(phone, None).country_code}"
    except phonenumbers.NumberParseException:
        return ""


def mask_phone(phone: str | None) -> str | None:
    """Keep the country code and the last four digits: +992931234567 -> +992*****4567."""
    if phone is None:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= _KEEP:
        return "*" * len(digits)
    prefix = _country_prefix(phone)
    hidden = len(digits) - len(prefix.lstrip("+")) - _KEEP
    return f"{prefix}{'*' * hidden}{digits[-_KEEP:]}"


def mask_phones_in_text(text: str) -> str:
    """Mask every phone-like run of digits inside free text (log messages, errors)."""
    return _PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)) or "", text)
