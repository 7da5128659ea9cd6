"""Family SMS held overnight, looked at again before they go: superseded ones and the daily cap."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "held_messages.json"


@dataclass(frozen=True)
class HeldRules:
    """Which later step makes a held SMS pointless, and which SMS matter most."""

    superseded_by: Mapping[str, frozenset[str]]
    importance: Sequence[str]

    def rank(self, template: str) -> int:
        """Return the template's place in the importance order (unknown ones last)."""
        order = list(self.importance)
        return order.index(template) if template in order else len(order)


@dataclass(frozen=True)
class Sms:
    """A family SMS as reconsideration sees it."""

    id: str
    child_id: str | None
    phone: str | None
    template: str
    created_at: datetime


def load_rules(path: Path = RULES_FILE) -> HeldRules:
    """Read the rules shipped with the service."""
    data = json.loads(path.read_text(encoding="utf-8"))
    superseded = {k: frozenset(v) for k, v in data["superseded_by"].items()}
    return HeldRules(superseded_by=superseded, importance=tuple(data["importance"]))


def superseded(held: Sequence[Sms], others: Sequence[Sms], rules: HeldRules) -> dict[str, str]:
    """Return {held id: the later template that supersedes it} for held SMS not worth sending."""
    found: dict[str, str] = {}
    for sms in held:
        later_kinds = rules.superseded_by.get(sms.template, frozenset())
        for other in others:
            if (
                other.id != sms.id
                and other.child_id == sms.child_id
                and other.template in later_kinds
                and _came_after(other, sms, rules)
            ):
                found[sms.id] = other.template
                break
    return found


def _came_after(other: Sms, sms: Sms, rules: HeldRules) -> bool:
    """Tell whether `other` is the later step (events of one batch share their time)."""
    if other.created_at != sms.created_at:
        return other.created_at > sms.created_at
    return sms.template not in rules.superseded_by.get(other.template, frozenset())


def over_cap(
    held: Sequence[Sms], sent_today: Mapping[str, int], cap: int | None, rules: HeldRules
) -> set[str]:
    """Return the ids that must wait another day: per phone, the least important beyond the cap."""
    if not cap:
        return set()
    by_phone: dict[str, list[Sms]] = defaultdict(list)
    for sms in held:
        by_phone[sms.phone or ""].append(sms)
    waiting: set[str] = set()
    for phone, items in by_phone.items():
        room = max(cap - sent_today.get(phone, 0), 0)
        ordered = sorted(items, key=lambda s: (rules.rank(s.template), s.created_at))
        waiting.update(s.id for s in ordered[room:])
    return waiting
