"""The recommendation rule table: loaded from data, checked before use."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .conditions import check_condition
from .errors import RuleTableError
from .instruments import DATA_DIR

RULES_FILE = DATA_DIR / "recommendation_rules.json"

FACTS = (
    "age_months",
    "instrument",
    "functional_difficulty",
    "domains_with_difficulty",
    "difficulty_count",
    "any_cannot_do_at_all",
    "screening_urgent",
    "caregiver_at_home",
    "other_children_with_disabilities",
    "travel_minutes_to_day_care",
    "protection_concern",
    "receives_social_assistance",
    "has_residential_justification",
)


@dataclass(frozen=True)
class Rule:
    """A rule: when its condition holds, it sets a priority or adds service types."""

    id: str
    description: str
    when: Mapping[str, Any]
    priority: str | None = None
    service_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleTable:
    """Priority and service rules with the vocabulary they may use."""

    version: str
    priorities: tuple[str, ...]  # most pressing first
    service_types: tuple[str, ...]
    requirements: Mapping[str, Rule]
    priority_rules: tuple[Rule, ...]
    service_rules: tuple[Rule, ...]


def _rule(raw: Mapping[str, Any], where: str) -> Rule:
    for key in ("id", "description", "when"):
        if key not in raw:
            raise RuleTableError(f"{where}: missing {key!r}")
    check_condition(raw["when"], FACTS, f"{where} {raw['id']}")
    return Rule(
        id=raw["id"],
        description=raw["description"],
        when=raw["when"],
        priority=raw.get("priority"),
        service_types=tuple(raw.get("service_types", ())),
    )


def _check_vocabulary(table: RuleTable) -> None:
    ids = [r.id for r in (*table.priority_rules, *table.service_rules)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleTableError(f"duplicate rule ids: {duplicates}")
    for rule in table.priority_rules:
        if rule.priority not in table.priorities:
            raise RuleTableError(f"{rule.id}: unknown priority {rule.priority!r}")
    for rule in table.service_rules:
        unknown = set(rule.service_types) - set(table.service_types)
        if unknown:
            raise RuleTableError(f"{rule.id}: unknown service types {sorted(unknown)}")
    unknown = set(table.requirements) - set(table.service_types)
    if unknown:
        raise RuleTableError(f"requirements for unknown service types {sorted(unknown)}")


def parse_rule_table(raw: Mapping[str, Any]) -> RuleTable:
    """Build and check a rule table from its data-file structure."""
    requirements = {
        service_type: _rule({"id": f"requires.{service_type}", **spec}, "service_type_requirements")
        for service_type, spec in raw.get("service_type_requirements", {}).items()
    }
    table = RuleTable(
        version=str(raw.get("version", "")),
        priorities=tuple(raw["priorities"]),
        service_types=tuple(raw["service_types"]),
        requirements=requirements,
        priority_rules=tuple(_rule(r, "priority_rules") for r in raw["priority_rules"]),
        service_rules=tuple(_rule(r, "service_rules") for r in raw["service_rules"]),
    )
    _check_vocabulary(table)
    return table


@cache
def load_rule_table(path: Path = RULES_FILE) -> RuleTable:
    """Load the rule table data file (cached per path)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RuleTableError(f"cannot read rule table {path}: {exc}") from exc
    return parse_rule_table(raw)
