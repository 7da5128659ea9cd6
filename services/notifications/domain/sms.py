"""SMS encoding detection and segment counting (GSM 03.38 and UCS-2)."""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# GSM 03.38 basic character set (the escape code 0x1B itself is not a character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

LIMITS = {
    GSM7: (160, 153),
    UCS2: (70, 67),
}

# Typographic look-alikes that would needlessly switch a Latin text to UCS-2.
_GSM_FRIENDLY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)


@dataclass(frozen=True)
class SmsInfo:
    """What a text costs: encoding, billable characters and segments."""

    encoding: str
    characters: int
    segments: int


def is_gsm7(text: str) -> bool:
    """Tell whether every character of the text exists in the GSM-7 alphabet."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def detect_encoding(text: str) -> str:
    """Return GSM-7 when the text fits the GSM alphabet, else UCS-2."""
    return GSM7 if is_gsm7(text) else UCS2


def _units(text: str, encoding: str) -> list[int]:
    """Cost of each character in septets (GSM-7) or UTF-16 code units (UCS-2)."""
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _count_parts(units: list[int], per_part: int) -> int:
    """Pack characters into parts without splitting an escape pair or a surrogate pair."""
    parts, used = 1, 0
    for cost in units:
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return parts


def analyse(text: str) -> SmsInfo:
    """Count the encoding, billable characters and segments of one SMS text."""
    encoding = detect_encoding(text)
    units = _units(text, encoding)
    characters = sum(units)
    single, per_part = LIMITS[encoding]
    segments = 1 if characters <= single else _count_parts(units, per_part)
    return SmsInfo(encoding=encoding, characters=characters, segments=segments)


def gsm_friendly(text: str) -> str:
    """Replace typographic quotes, dashes and odd spaces with their GSM-7 equivalents."""
    return text.translate(_GSM_FRIENDLY)
