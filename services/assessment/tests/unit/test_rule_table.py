import copy
import json

import pytest

from services.assessment.domain import RuleTableError, parse_rule_table, recommend
from services.assessment.domain.conditions import evaluate
from services.assessment.domain.rule_table import FACTS, RULES_FILE

DEFAULT = json.loads(RULES_FILE.read_text(encoding="utf-8"))


def table_with(**changes):
    raw = copy.deepcopy(DEFAULT)
    raw.update(changes)
    return raw


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "age", "lt": 36}, True),
        ({"fact": "age", "gte": 36}, False),
        ({"fact": "travel", "lte": 60}, False),
        ({"fact": "travel", "is_null": True}, True),
        ({"fact": "travel", "ne": 5}, True),
        ({"fact": "domains", "contains": "walking"}, True),
        ({"fact": "instrument", "in": ["cfm_2_4", "cfm_5_17"]}, True),
        ({"fact": "instrument", "lt": 3}, False),
        ({"all": []}, True),
        ({"any": []}, False),
        ({"not": {"fact": "age", "eq": 20}}, False),
        ({"any": [{"fact": "travel", "gt": 1}, {"fact": "age", "eq": 20}]}, True),
    ],
)
def test_conditions_read_facts_and_treat_null_as_unknown(condition, expected):
    facts = {"age": 20, "travel": None, "domains": ["walking"], "instrument": "cfm_2_4"}
    assert evaluate(condition, facts) is expected


def test_the_default_table_uses_only_known_facts():
    assert set(DEFAULT["facts"]) == set(FACTS)
    assert parse_rule_table(DEFAULT).priorities == ("urgent", "high", "routine")


@pytest.mark.parametrize(
    ("broken_rule", "message"),
    [
        ({"when": {"fact": "shoe_size", "gt": 30}}, "unknown fact"),
        ({"when": {"fact": "age_months", "around": 30}}, "operator"),
        ({"when": {"all": [], "fact": "age_months"}}, "stand alone"),
        ({"priority": "whenever"}, "unknown priority"),
        ({"id": "priority.routine"}, "duplicate"),
    ],
)
def test_a_malformed_table_is_refused_with_the_reason(broken_rule, message):
    rule = {"id": "priority.extra", "description": "x", "when": {"all": []}, "priority": "high"}
    rule.update(broken_rule)
    raw = table_with(priority_rules=[*DEFAULT["priority_rules"], rule])
    with pytest.raises(RuleTableError, match=message):
        parse_rule_table(raw)


def test_a_rule_naming_an_unknown_service_type_is_refused():
    rule = {"id": "s.x", "description": "x", "when": {"all": []}, "service_types": ["camp"]}
    with pytest.raises(RuleTableError, match="unknown service types"):
        parse_rule_table(table_with(service_rules=[rule]))


def test_the_residential_requirement_holds_even_against_a_careless_rule():
    careless = {
        "id": "service.residential_for_all",
        "description": "Everyone to residential care.",
        "when": {"all": []},
        "service_types": ["residential", "day_care"],
    }
    table = parse_rule_table(table_with(service_rules=[careless]))
    facts = dict.fromkeys(FACTS)
    assert recommend({**facts, "caregiver_at_home": True}, table).recommended_service_types == [
        "day_care"
    ]
    justified = {**facts, "caregiver_at_home": False, "has_residential_justification": True}
    assert recommend(justified, table).recommended_service_types == ["residential", "day_care"]


def test_the_ministry_can_change_outcomes_by_editing_the_table():
    rules = copy.deepcopy(DEFAULT["service_rules"])
    rules[1]["when"]["all"][2]["any"][1]["lte"] = 120  # day care within two hours
    table = parse_rule_table(table_with(service_rules=rules))
    facts = {
        **dict.fromkeys(FACTS),
        "functional_difficulty": True,
        "age_months": 60,
        "caregiver_at_home": True,
        "travel_minutes_to_day_care": 90,
    }
    assert recommend(facts, table).recommended_service_types == ["home_based", "day_care"]
    assert recommend(facts).recommended_service_types == ["home_based"]
