from datetime import UTC, datetime

import pytest

from services.assessment.domain import (
    CFM_2_4,
    CFM_5_17,
    CLINICAL_UNDER_2,
    InvalidOverrideError,
    Recommendation,
    apply_override,
    build_facts,
    recommend,
    score,
)

from . import answers

AT_HOME_NEARBY = {"caregiver_at_home": True, "travel_minutes_to_day_care": 40}


def recommendation(
    given=None, *, instrument=CFM_5_17, age_months=96, screening_urgent=False, **family
):
    """Recommend for a child; by default aged 8 with a lot of difficulty walking."""
    given = given if given is not None else answers.cfm_5_17(CF12=3, CF13=3)
    facts = build_facts(
        score(instrument, given),
        age_months=age_months,
        screening_urgent=screening_urgent,
        family_context=family,
    )
    return recommend(facts)


def test_a_caregiver_at_home_and_a_centre_nearby_give_home_based_then_day_care():
    result = recommendation(**AT_HOME_NEARBY)
    assert result.recommended_service_types == ["home_based", "day_care"]
    assert result.priority == "routine"


def test_no_caregiver_at_home_puts_day_care_first_and_raises_priority():
    result = recommendation(caregiver_at_home=False, travel_minutes_to_day_care=30)
    assert result.recommended_service_types == ["day_care", "home_based"]
    assert result.priority == "high"
    assert result.priority_rule.id == "priority.no_caregiver_at_home"


def test_a_centre_beyond_an_hour_is_not_recommended():
    result = recommendation(caregiver_at_home=True, travel_minutes_to_day_care=90)
    assert result.recommended_service_types == ["home_based"]


def test_an_unknown_travel_time_keeps_day_care_in_the_list():
    assert "day_care" in recommendation(caregiver_at_home=True).recommended_service_types


def test_residential_only_with_a_justification_and_no_caregiver_and_always_last():
    justified = recommendation(
        caregiver_at_home=False,
        travel_minutes_to_day_care=200,
        residential_justification="Mother in hospital for months; no relative can care.",
    )
    assert justified.recommended_service_types == ["home_based", "residential"]
    without_reason = recommendation(caregiver_at_home=False, residential_justification="  ")
    assert "residential" not in without_reason.recommended_service_types
    with_caregiver = recommendation(
        caregiver_at_home=True, residential_justification="The family asks for it."
    )
    assert "residential" not in with_caregiver.recommended_service_types


def test_a_child_under_3_with_a_difficulty_is_urgent():
    result = recommendation(
        answers.cfm_2_4(CF11=4), instrument=CFM_2_4, age_months=35, **AT_HOME_NEARBY
    )
    assert result.priority == "urgent"
    assert result.priority_rule.id == "priority.under_3_with_difficulty"
    at_three = recommendation(
        answers.cfm_2_4(CF14=3), instrument=CFM_2_4, age_months=36, **AT_HOME_NEARBY
    )
    assert at_three.priority == "routine"


def test_a_baby_is_not_recommended_day_care():
    result = recommendation(
        answers.clinical(hearing=3), instrument=CLINICAL_UNDER_2, age_months=14, **AT_HOME_NEARBY
    )
    assert result.recommended_service_types == ["home_based"]
    assert result.priority == "urgent"


def test_a_protection_concern_is_urgent_even_without_a_difficulty():
    result = recommendation(answers.cfm_5_17(), protection_concern=True, **AT_HOME_NEARBY)
    assert result.priority == "urgent"
    assert result.priority_rule.id == "priority.protection_concern"


@pytest.mark.parametrize(
    ("given", "screening_urgent", "family", "rule"),
    [
        (answers.cfm_5_17(CF14=4), False, {}, "priority.cannot_do_at_all"),
        (answers.cfm_5_17(CF14=3, CF17=3), False, {}, "priority.several_domains"),
        (answers.cfm_5_17(CF14=3), True, {}, "priority.urgent_screening_confirmed"),
        (
            answers.cfm_5_17(CF14=3),
            False,
            {"other_children_with_disabilities": True},
            "priority.other_children_with_disabilities",
        ),
    ],
)
def test_heavier_needs_are_high_priority(given, screening_urgent, family, rule):
    result = recommendation(given, screening_urgent=screening_urgent, **AT_HOME_NEARBY, **family)
    assert (result.priority, result.priority_rule.id) == ("high", rule)


def test_anxiety_daily_alone_is_a_routine_difficulty():
    result = recommendation(answers.cfm_5_17(CF23=1), **AT_HOME_NEARBY)
    assert result.priority == "routine"
    assert result.recommended_service_types == ["home_based", "day_care"]


def test_no_functional_difficulty_is_routine_with_no_service_types():
    result = recommendation(answers.cfm_5_17(CF14=2), screening_urgent=True, **AT_HOME_NEARBY)
    assert result.priority == "routine"
    assert result.recommended_service_types == []
    assert "service.none_without_difficulty" in [r.id for r in result.matched_rules]


def test_every_recommendation_names_the_rule_that_produced_it():
    result = recommendation(**AT_HOME_NEARBY).to_dict()
    assert [(r["service_type"], r["id"]) for r in result["recommendations"]] == [
        ("home_based", "service.home_based_first"),
        ("day_care", "service.day_care_within_reach"),
    ]
    assert all(r["description"] for r in result["recommendations"])
    assert result["priority_rule"]["id"] == "priority.routine"
    assert result["rule_table_version"]
    assert result["override"] is None


AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def test_a_case_manager_may_override_with_a_reason():
    computed = recommendation(**AT_HOME_NEARBY)
    changed = apply_override(
        computed,
        priority="high",
        service_types=["day_care"],
        reason="Mother starts work next month.",
        by="cm-1",
        at=AT,
    )
    assert changed.priority == "high"
    assert changed.recommended_service_types == ["day_care"]
    record = changed.to_dict()
    assert record["override"] == {
        "reason": "Mother starts work next month.",
        "by": "cm-1",
        "at": "2026-11-25T10:00:00+00:00",
        "original_priority": "routine",
        "original_service_types": ["home_based", "day_care"],
    }
    assert record["recommendations"][0]["id"] == "override"
    assert "Mother starts work" in record["recommendations"][0]["description"]


def test_a_second_override_keeps_the_computed_original():
    computed = recommendation(**AT_HOME_NEARBY)
    first = apply_override(computed, priority="high", reason="First.", by="cm-1", at=AT)
    second = apply_override(first, service_types=["day_care"], reason="Second.", by="cm-2", at=AT)
    assert second.priority == "high"
    assert second.override.original_priority == "routine"
    assert second.override.original_service_types == ("home_based", "day_care")


@pytest.mark.parametrize(
    "changes",
    [
        {"priority": "high", "reason": " "},
        {"reason": "Nothing changes."},
        {"priority": "soonish", "reason": "Typo."},
        {"service_types": ["boarding_school"], "reason": "Unknown."},
        {"service_types": ["day_care", "day_care"], "reason": "Twice."},
    ],
)
def test_an_incomplete_override_is_refused(changes):
    with pytest.raises(InvalidOverrideError):
        apply_override(recommendation(**AT_HOME_NEARBY), by="cm-1", at=AT, **changes)


def test_a_stored_recommendation_reads_back_unchanged():
    computed = recommendation(**AT_HOME_NEARBY)
    overridden = apply_override(computed, priority="urgent", reason="Seizures.", by="cm", at=AT)
    for stored in (computed, overridden):
        assert Recommendation.from_dict(stored.to_dict()) == stored
