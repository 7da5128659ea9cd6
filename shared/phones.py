"""Tajik phone numbers, for every service: parsing as people write them, SMS capability, masking.

Numbers are stored as E.164. Whatever leaves a service for a log line, an event that does not need
the number, or an answer to someone who may not see it, carries the masked form instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

REGION = "TJ"
COUNTRY_CODE = 992
# Digits with the separators people type; anything else (letters, "ext.") is a mistake here.
_WRITTEN_NUMBER = re.compile(r"\+?[\d\s().\-/]+")
_SMS_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_ACCEPTED_TYPES = _SMS_TYPES | {PhoneNumberType.FIXED_LINE}
# libphonenumber's Tajik metadata has no national (trunk) prefix and the international prefix
# 810 ("8~10"). People still write the old domestic trunk "8" (or "0") before the 9-digit number
# ("8 (93) 123-45-67"): ten digits starting so are read as that number, never anything else.
_TRUNK_PREFIXES = ("8", "0")
_NATIONAL_LENGTH = 9


class InvalidPhone(ValueError):
    """A phone number that cannot be stored; the message says why, for the person typing it."""


@dataclass(frozen=True)
class Phone:
    """A valid Tajik phone number."""

    e164: str
    sms_capable: bool
    kind: str  # "mobile" or "fixed_line"


def normalise_phone(raw: str) -> Phone:
    """Parse a Tajik number as people write it; return it as E.164 or raise InvalidPhone."""
    text = " ".join(raw.split())
    if not text:
        raise InvalidPhone("Enter a phone number.")
    if not _WRITTEN_NUMBER.fullmatch(text):
        raise InvalidPhone("Use digits only, with spaces, dashes or brackets if you like.")
    if text.startswith("00"):
        text = "+" + text[2:]
    text = _without_trunk_prefix(text)
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException as error:
        raise InvalidPhone(_parse_problem(error)) from error
    if number.country_code != COUNTRY_CODE:
        raise InvalidPhone("Only Tajik numbers (+992) are accepted.")
    _check_length(number)
    kind = phonenumbers.number_type(number)
    if not phonenumbers.is_valid_number(number) or kind not in _ACCEPTED_TYPES:
        raise InvalidPhone("This is not a valid Tajik mobile or landline number.")
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        sms_capable=kind in _SMS_TYPES,
        kind="fixed_line" if kind == PhoneNumberType.FIXED_LINE else "mobile",
    )


def _without_trunk_prefix(text: str) -> str:
    """Drop a written trunk prefix before a national number (see _TRUNK_PREFIXES)."""
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or len(digits) != _NATIONAL_LENGTH + 1:
        return text
    return digits[1:] if digits.startswith(_TRUNK_PREFIXES) else text


def _check_length(number: phonenumbers.PhoneNumber) -> None:
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in (ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise InvalidPhone("The number is too short: a Tajik number has 9 digits after +992.")
    if reason in (ValidationResult.TOO_LONG, ValidationResult.INVALID_LENGTH):
        raise InvalidPhone("The number is too long: a Tajik number has 9 digits after +992.")


def _parse_problem(error: NumberParseException) -> str:
    if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return "Only Tajik numbers (+992) are accepted."
    if error.error_type in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return "The number is too short: a Tajik number has 9 digits after +992."
    return "This is not a phone number."


def to_e164(raw: str | None) -> str | None:
    """The E.164 form of a number as an SMS gateway reports a sender, or None when it is none.

    Gateways write numbers as they come (`992931234567` without the plus, `00992…`, or national);
    any valid number is accepted, since a sender need not be Tajik to be recognised as unknown.
    """
    if not raw or not raw.strip():
        return None
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    elif (
        text.isdigit() and len(text) == 3 + _NATIONAL_LENGTH and text.startswith(str(COUNTRY_CODE))
    ):
        text = "+" + text  # gateways often drop the plus
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def sms_capable(e164: str | None) -> bool:
    """Tell whether a stored (E.164) number can receive SMS: a mobile, not a landline."""
    if not e164:
        return False
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(e164, REGION))
    except NumberParseException:
        return False
    return kind in _SMS_TYPES


# In free text: a Tajik number however it is written (dashes too), or any phone-like run of 9 to 15
# digits with spaces or brackets (not dashes, so that dates and ids stay readable).
_PHONE_IN_TEXT = re.compile(
    r"(?<![\d*+])(?:\+|00)?992(?:[\s-]?\d){9}(?!\d)"
    r"|(?<![\w*+])\+?\d(?:[ ()]?\d){8,14}(?!\w)"
)
_KEEP = 4


def _country_prefix(phone: str, digits: str) -> str:
    """Return "+<country code>" of a number, or "" when it is not written internationally."""
    if phone.startswith(f"+{COUNTRY_CODE}") and len(digits) == 3 + _NATIONAL_LENGTH:
        # A Tajik number as stored: what parsing it would say, without its cost (every SMS
        # and every log line with a phone is masked).
        return f"+{COUNTRY_CODE}"
    if phone.startswith("+"):
        try:
            return f"+{phonenumbers.parse(phone, None).country_code}"
        except NumberParseException:
            return ""
    if digits.startswith(str(COUNTRY_CODE)) and len(digits) == 3 + _NATIONAL_LENGTH:
        return f"+{COUNTRY_CODE}"
    return ""


def mask_phone(phone: str | None) -> str | None:
    """Keep the country code and the last four digits: +992931234567 -> +992*****4567."""
    if phone is None:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= _KEEP:
        return "*" * len(digits)
    prefix = _country_prefix(phone.strip(), digits)
    hidden = len(digits) - len(prefix.lstrip("+")) - _KEEP
    return f"{prefix}{'*' * hidden}{digits[-_KEEP:]}"


def mask_phones_in_text(text: str) -> str:
    """Mask every phone-like run of digits inside free text (log messages, errors)."""
    return _PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)) or "", text)
