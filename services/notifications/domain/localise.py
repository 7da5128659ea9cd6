"""Names in the family's language: the provider's name and the kind of place of a visit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Place types of assessment.scheduled, as each language says them in an SMS.
PLACE_TYPES: dict[str, dict[str, str]] = {
    "home_visit": {"tg": "дар хона (боздид)", "ru": "на дому (визит)", "en": "home visit"},
    "centre": {"tg": "марказ", "ru": "центр", "en": "centre"},
    "clinic": {"tg": "дармонгоҳ", "ru": "поликлиника", "en": "clinic"},
}
# A place written only as one of these words is a place type, not a name or an address.
PLACE_WORDS = {
    "home visit": "home_visit", "home": "home_visit", "дом": "home_visit",
    "на дому": "home_visit", "хона": "home_visit", "дар хона": "home_visit",
    "centre": "centre", "center": "centre", "центр": "centre", "марказ": "centre",
    "clinic": "clinic", "поликлиника": "clinic", "дармонгоҳ": "clinic",
}  # fmt: skip


def place_name(place: str, language: str) -> str:
    """Return the place as the family reads it: a bare place type translated, else as written."""
    written = " ".join(place.split())
    kind = PLACE_WORDS.get(written.casefold())
    if kind is None:
        return written
    return PLACE_TYPES[kind].get(language, written)


def provider_name(provider: Mapping[str, Any], language: str) -> str:
    """Return the provider's name in the language, or its directory name when not given."""
    return provider.get(f"name_{language}") or provider.get("name") or ""
