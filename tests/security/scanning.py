"""Search responses, events and log lines for data that must not be there."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.security.people import Person, World


def phone_pattern(national: str) -> re.Pattern[str]:
    """A 9-digit national number, with or without +992 / 00992, spaced or dashed in any way."""
    gap = r"[\s\-().]*"
    country = r"(?:(?:\+|00)?9" + gap + "9" + gap + "2" + gap + ")?"
    return re.compile(r"(?<![\d*])" + country + gap.join(national) + r"(?!\d)")


@dataclass
class Markers:
    """Things to look for: literal strings (names, ids, secrets) and phone numbers."""

    strings: dict[str, str] = field(default_factory=dict)
    phones: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def add_person(self, person: Person, what: Iterable[str] = ("ids", "names", "phone")) -> None:
        """Add a person's identifying values."""
        if "ids" in what:
            ids = [person.child_id, person.assessment_id, *person.referral_ids]
            for value in [*ids, *person.notification_ids]:
                if value:
                    self.strings[value] = f"a record id of child {person.key}"
        if "names" in what:
            for name in (person.given_name, person.family_name, person.guardian_name):
                self.strings[name] = f"a name of child {person.key}'s family"
        if "phone" in what:
            self.phones[person.phone] = phone_pattern(person.national)

    def found_in(self, text: str) -> list[str]:
        """What of these markers the text contains, described."""
        hits = []
        for value, label in self.strings.items():
            # Either as itself or as JSON writes it with ensure_ascii (\u0424…).
            if value in text or _ascii_escaped(value) in text:
                hits.append(f"{label} ({value[:40]})")
        for phone, pattern in self.phones.items():
            if pattern.search(text):
                hits.append(f"the unmasked phone {phone}")
        return hits


def _ascii_escaped(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)[1:-1]


def body_text(response: Any) -> str:
    """A response body as text, JSON re-serialised so non-ASCII letters read as themselves."""
    data = response.get_json(silent=True)
    if data is None:
        return response.get_data(as_text=True)
    return json.dumps(data, ensure_ascii=False)


def everyone(world: World) -> Markers:
    """Every seeded family's ids, names and phone: none of it is for an anonymous caller."""
    markers = Markers()
    for person in world.people.values():
        markers.add_person(person)
    return markers


def foreign_markers(role: str, world: World) -> Markers:
    """What a user of the role (rudaki staff, provider P, admin, partner) must never be shown."""
    markers = Markers()
    if role in ("admin", "partner"):
        return markers
    markers.add_person(world["C"])
    if role == "provider":
        # Provider P's user: W was never referred, B's first referral went to P2.
        markers.add_person(world["W"], ("ids", "names"))
        markers.strings[world["B"].referral_ids[0]] = "B's referral to another provider (P2)"
        # Nor Q's inspection, required action or contract.
        for kind, value in world.quality.get("Q", {}).items():
            markers.strings[value] = f"provider Q's {kind}"
    return markers


def keys_anywhere(data: Any) -> set[str]:
    """Every mapping key at any depth of a JSON value."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(str(key))
            found |= keys_anywhere(value)
    elif isinstance(data, list):
        for value in data:
            found |= keys_anywhere(value)
    return found


def paths_with(data: Any, predicate: Any, path: str = "") -> list[str]:
    """JSON paths whose string value matches a predicate."""
    hits: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            hits += paths_with(value, predicate, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            hits += paths_with(value, predicate, f"{path}[{index}]")
    elif isinstance(data, str) and predicate(data):
        hits.append(path or ".")
    return hits
