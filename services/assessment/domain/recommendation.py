"""Recommend priority and service types from facts, by the rule table; record overrides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .conditions import evaluate
from .errors import InvalidOverrideError
from .rule_table import Rule, RuleTable, load_rule_table
from .scoring import ScoreResult

CANNOT_DO_AT_ALL = "cannot_do_at_all"

# Family context the case manager records, with the value when it is not given.
FAMILY_CONTEXT_DEFAULTS: dict[str, Any] = {
    "caregiver_at_home": None,
    "other_children_with_disabilities": None,
    "travel_minutes_to_day_care": None,
    "protection_concern": False,
    "receives_social_assistance": None,
    "residential_justification": None,
}

OVERRIDE_RULE_ID = "override"


@dataclass(frozen=True)
class RuleRef:
    """The rule behind a recommendation, as a case manager reads it."""

    id: str
    description: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON shape."""
        return {"id": self.id, "description": self.description}


@dataclass(frozen=True)
class ServiceTypeRecommendation:
    """One recommended service type and the rule that produced it."""

    service_type: str
    rule: RuleRef


@dataclass(frozen=True)
class Override:
    """A case manager's decision replacing the computed result, with the reason."""

    reason: str
    by: str
    at: datetime
    original_priority: str
    original_service_types: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape."""
        return {
            "reason": self.reason,
            "by": self.by,
            "at": self.at.isoformat(),
            "original_priority": self.original_priority,
            "original_service_types": list(self.original_service_types),
        }


@dataclass(frozen=True)
class Recommendation:
    """Priority and ordered service types, each with its rule; an override when one was made."""

    priority: str
    priority_rule: RuleRef
    service_types: tuple[ServiceTypeRecommendation, ...]
    matched_rules: tuple[RuleRef, ...]
    table_version: str
    override: Override | None = None

    @property
    def recommended_service_types(self) -> list[str]:
        """Return the service type names in order of preference."""
        return [s.service_type for s in self.service_types]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape stored and returned by the API."""
        return {
            "priority": self.priority,
            "priority_rule": self.priority_rule.to_dict(),
            "recommended_service_types": self.recommended_service_types,
            "recommendations": [
                {"service_type": s.service_type, **s.rule.to_dict()} for s in self.service_types
            ],
            "rules": [r.to_dict() for r in self.matched_rules],
            "rule_table_version": self.table_version,
            "override": self.override.to_dict() if self.override else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recommendation:
        """Rebuild a stored recommendation, so a later override can be applied to it."""
        override = data.get("override")
        return cls(
            priority=data["priority"],
            priority_rule=RuleRef(**data["priority_rule"]),
            service_types=tuple(
                ServiceTypeRecommendation(r["service_type"], RuleRef(r["id"], r["description"]))
                for r in data["recommendations"]
            ),
            matched_rules=tuple(RuleRef(**r) for r in data["rules"]),
            table_version=data.get("rule_table_version", ""),
            override=Override(
                reason=override["reason"],
                by=override["by"],
                at=datetime.fromisoformat(override["at"]),
                original_priority=override["original_priority"],
                original_service_types=tuple(override["original_service_types"]),
            )
            if override
            else None,
        )


def build_facts(
    result: ScoreResult,
    *,
    age_months: int,
    screening_urgent: bool,
    family_context: Mapping[str, Any],
) -> dict[str, Any]:
    """Return the facts the rule table's conditions read."""
    context = {**FAMILY_CONTEXT_DEFAULTS, **family_context}
    justification = context.pop("residential_justification")
    with_difficulty = result.domains_with_difficulty
    return {
        "age_months": age_months,
        "instrument": result.instrument,
        "functional_difficulty": result.functional_difficulty,
        "domains_with_difficulty": with_difficulty,
        "difficulty_count": len(with_difficulty),
        "any_cannot_do_at_all": any(
            d.label == CANNOT_DO_AT_ALL for d in result.domains.values() if d.difficulty
        ),
        "screening_urgent": bool(screening_urgent),
        "has_residential_justification": bool(justification and str(justification).strip()),
        **{key: context[key] for key in FAMILY_CONTEXT_DEFAULTS if key in context},
    }


def _ref(rule: Rule) -> RuleRef:
    return RuleRef(id=rule.id, description=rule.description)


def _choose_priority(table: RuleTable, matched: Sequence[Rule]) -> tuple[str, RuleRef]:
    candidates = [r for r in matched if r.priority]
    if not candidates:
        fallback = RuleRef("priority.no_rule_matched", "No priority rule matched.")
        return table.priorities[-1], fallback
    best = min(candidates, key=lambda r: table.priorities.index(r.priority))
    return best.priority, _ref(best)  # type: ignore[return-value]


def _service_types(
    table: RuleTable, matched: Sequence[Rule], facts: Mapping[str, Any]
) -> tuple[ServiceTypeRecommendation, ...]:
    chosen: dict[str, ServiceTypeRecommendation] = {}
    for rule in matched:
        for service_type in rule.service_types:
            requirement = table.requirements.get(service_type)
            # Requirements guard policy even against a rule edited carelessly.
            if requirement and not evaluate(requirement.when, facts):
                continue
            chosen.setdefault(service_type, ServiceTypeRecommendation(service_type, _ref(rule)))
    return tuple(chosen.values())


def recommend(facts: Mapping[str, Any], table: RuleTable | None = None) -> Recommendation:
    """Evaluate the rule table over the facts."""
    table = table or load_rule_table()
    matched = [r for r in (*table.priority_rules, *table.service_rules) if evaluate(r.when, facts)]
    priority, priority_rule = _choose_priority(table, matched)
    return Recommendation(
        priority=priority,
        priority_rule=priority_rule,
        service_types=_service_types(table, matched, facts),
        matched_rules=tuple(_ref(r) for r in matched),
        table_version=table.version,
    )


def _check_override(
    table: RuleTable, reason: str, priority: str | None, service_types: Sequence[str] | None
) -> None:
    if not reason or not reason.strip():
        raise InvalidOverrideError("an override needs a reason")
    if priority is None and service_types is None:
        raise InvalidOverrideError("an override changes the priority, the service types or both")
    if priority is not None and priority not in table.priorities:
        raise InvalidOverrideError(f"unknown priority {priority!r}")
    unknown = set(service_types or ()) - set(table.service_types)
    if unknown:
        raise InvalidOverrideError(f"unknown service types {sorted(unknown)}")
    if service_types is not None and len(set(service_types)) != len(service_types):
        raise InvalidOverrideError("a service type is listed twice")


def apply_override(
    recommendation: Recommendation,
    *,
    reason: str,
    by: str,
    at: datetime,
    priority: str | None = None,
    service_types: Sequence[str] | None = None,
    table: RuleTable | None = None,
) -> Recommendation:
    """Replace priority and/or service types by a case manager's decision with a reason."""
    _check_override(table or load_rule_table(), reason, priority, service_types)
    earlier = recommendation.override  # a later override keeps the computed original
    record = Override(
        reason=reason.strip(),
        by=by,
        at=at,
        original_priority=earlier.original_priority if earlier else recommendation.priority,
        original_service_types=(
            earlier.original_service_types
            if earlier
            else tuple(recommendation.recommended_service_types)
        ),
    )
    rule = RuleRef(OVERRIDE_RULE_ID, f"Case manager's decision: {record.reason}")
    types = recommendation.service_types
    if service_types is not None:
        types = tuple(ServiceTypeRecommendation(s, rule) for s in service_types)
    return replace(
        recommendation,
        priority=priority or recommendation.priority,
        priority_rule=rule if priority else recommendation.priority_rule,
        service_types=types,
        override=record,
    )
