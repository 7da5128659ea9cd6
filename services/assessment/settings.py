"""Assessment's own settings, read once at start from the environment the runtime read."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.domain import (
    DEFAULT_WALKING_RULE,
    WALKING_RULES,
    DueTargets,
    due_targets_from_config,
)
from shared.config import Settings
from shared.due_dates import DUE_DAYS_ENV
from shared.runtime import Runtime

# How equipment users' walking is scored: "without_equipment" (the WG/UNICEF tabulation
# syntax, default) or "with_equipment" (the indicator's wording).
WALKING_RULE_ENV = "ASSESSMENT_WALKING_RULE"


@dataclass(frozen=True)
class AssessmentSettings:
    """Due-date targets and the walking rule."""

    due_targets: DueTargets
    walking_rule: str


def read_assessment_settings(settings: Settings) -> AssessmentSettings:
    """Read the settings of this service (a bad value stops it at start)."""
    targets = due_targets_from_config({name: settings.get(name) for name in DUE_DAYS_ENV})
    walking_rule = settings.get(WALKING_RULE_ENV).strip()
    walking_rule = walking_rule or DEFAULT_WALKING_RULE
    if walking_rule not in WALKING_RULES:
        raise ValueError(f"{WALKING_RULE_ENV} must be one of {WALKING_RULES}, got {walking_rule!r}")
    return AssessmentSettings(due_targets=targets, walking_rule=walking_rule)


def assessment_settings(runtime: Runtime) -> AssessmentSettings:
    """The settings the service's bootstrap read for this runtime."""
    settings = getattr(runtime, "assessment", None)
    if not isinstance(settings, AssessmentSettings):
        raise TypeError("this runtime has no assessment settings: build it with its bootstrap")
    return settings
