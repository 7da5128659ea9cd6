"""Assessment rules: Child Functioning Module, scoring, recommendations and due dates."""

from .errors import (
    AssessmentRuleError,
    InvalidOverrideError,
    NotEligibleError,
    RuleTableError,
)
from .instruments import (
    CFM_2_4,
    CFM_5_17,
    CLINICAL_UNDER_2,
    Instrument,
    age_in_months,
    age_in_years,
    get_instrument,
    load_instruments,
    select_instrument,
)
from .recommendation import (
    FAMILY_CONTEXT_DEFAULTS,
    Recommendation,
    apply_override,
    build_facts,
    recommend,
)
from .rule_table import RuleTable, load_rule_table, parse_rule_table
from .scoring import (
    DEFAULT_WALKING_RULE,
    WALKING_RULES,
    WITH_EQUIPMENT,
    WITHOUT_EQUIPMENT,
    ScoreResult,
    event_domains,
    score,
)
from .validation import clean_answers, validate_answers
from .worklist import (
    DueTargets,
    due_date,
    due_targets_from_config,
    is_overdue,
    local_date,
    worklist_sort_key,
)

__all__ = [
    "CFM_2_4",
    "CFM_5_17",
    "CLINICAL_UNDER_2",
    "DEFAULT_WALKING_RULE",
    "FAMILY_CONTEXT_DEFAULTS",
    "WALKING_RULES",
    "WITHOUT_EQUIPMENT",
    "WITH_EQUIPMENT",
    "AssessmentRuleError",
    "DueTargets",
    "Instrument",
    "InvalidOverrideError",
    "NotEligibleError",
    "Recommendation",
    "RuleTable",
    "RuleTableError",
    "ScoreResult",
    "age_in_months",
    "age_in_years",
    "apply_override",
    "build_facts",
    "clean_answers",
    "due_date",
    "due_targets_from_config",
    "event_domains",
    "get_instrument",
    "is_overdue",
    "load_instruments",
    "load_rule_table",
    "local_date",
    "parse_rule_table",
    "recommend",
    "score",
    "select_instrument",
    "validate_answers",
    "worklist_sort_key",
]
