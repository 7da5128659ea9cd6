"""Assessment's own settings, read from the runtime's configuration and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

from services.assessment.domain import (
    DEFAULT_WALKING_RULE,
    WALKING_RULES,
    DueTargets,
    due_targets_from_config,
)
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


def assessment_settings(runtime: Runtime) -> AssessmentSettings:
    """Read the settings of this service (a bad value fails loudly at use)."""
    settings = runtime.settings
    targets = due_targets_from_config({name: settings.get(name) for name in DUE_DAYS_ENV})
    walking_rule = (settings.get(WALKING_RULE_ENV) or os.environ.get(WALKING_RULE_ENV, "")).strip()
    walking_rule = walking_rule or DEFAULT_WALKING_RULE
    if walking_rule not in WALKING_RULES:
        raise ValueError(f"{WALKING_RULE_ENV} must be one of {WALKING_RULES}, got {walking_rule!r}")
    return AssessmentSettings(due_targets=targets, walking_rule=walking_rule)
