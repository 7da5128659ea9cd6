"""Skip logic of the Child Functioning Module as the questionnaire page applies it."""

from __future__ import annotations

import pytest

from services.portal.domain.questionnaire import (
    CFM_2_4,
    CFM_5_17,
    CLINICAL_UNDER_2,
    answers_to_send,
    asked_questions,
    get_instrument,
    newly_asked,
    parse_answers,
)

ALWAYS_2_4 = ["CF1", "CF4", "CF7", "CF11", "CF12", "CF13", "CF14", "CF15", "CF16"]
ALWAYS_5_17 = ["CF1", "CF4", "CF7", *[f"CF{n}" for n in range(14, 25)]]


def asked(instrument, **answers) -> list[str]:
    return [q.code for q in asked_questions(instrument, answers)]


@pytest.mark.parametrize(("instrument", "always"), [(CFM_2_4, ALWAYS_2_4), (CFM_5_17, ALWAYS_5_17)])
def test_with_no_answers_only_the_unconditional_questions_are_shown(instrument, always):
    assert asked(instrument) == always


@pytest.mark.parametrize("instrument", [CFM_2_4, CFM_5_17])
@pytest.mark.parametrize(
    ("gate", "yes_follow_up", "no_follow_up"), [("CF1", "CF2", "CF3"), ("CF4", "CF5", "CF6")]
)
def test_glasses_and_hearing_aid_choose_which_question_follows(
    instrument, gate, yes_follow_up, no_follow_up
):
    with_aid = asked(instrument, **{gate: 1})
    without = asked(instrument, **{gate: 2})
    assert yes_follow_up in with_aid and no_follow_up not in with_aid
    assert no_follow_up in without and yes_follow_up not in without


def test_walking_2_4_equipment_users_are_asked_with_and_without_it():
    assert {"CF8", "CF9"} <= set(asked(CFM_2_4, CF7=1))
    assert "CF10" not in asked(CFM_2_4, CF7=1)


def test_walking_2_4_others_are_compared_with_children_of_the_same_age():
    shown = asked(CFM_2_4, CF7=2)
    assert "CF10" in shown and not {"CF8", "CF9"} & set(shown)


def test_without_equipment_no_difficulty_is_not_an_answer():
    assert CFM_2_4.question("CF8").codes == (2, 3, 4)
    assert CFM_5_17.question("CF8").codes == (2, 3, 4)
    assert CFM_5_17.question("CF9").codes == (2, 3, 4)


@pytest.mark.parametrize(("cf8", "asks_500m"), [(None, False), (2, True), (3, True), (4, False)])
def test_500m_without_equipment_only_when_100m_is_possible(cf8, asks_500m):
    answers = {"CF7": 1} if cf8 is None else {"CF7": 1, "CF8": cf8}
    assert ("CF9" in asked(CFM_5_17, **answers)) is asks_500m


@pytest.mark.parametrize(
    ("cf10", "asks_500m"), [(None, False), (1, True), (2, True), (3, True), (4, False)]
)
def test_500m_with_equipment_only_when_100m_is_possible(cf10, asks_500m):
    answers = {"CF7": 1} if cf10 is None else {"CF7": 1, "CF10": cf10}
    assert ("CF11" in asked(CFM_5_17, **answers)) is asks_500m


@pytest.mark.parametrize(
    ("cf12", "asks_500m"), [(None, False), (1, True), (2, True), (3, True), (4, False)]
)
def test_500m_compared_with_peers_only_when_100m_is_possible(cf12, asks_500m):
    answers = {"CF7": 2} if cf12 is None else {"CF7": 2, "CF12": cf12}
    assert ("CF13" in asked(CFM_5_17, **answers)) is asks_500m


def test_walking_5_17_no_equipment_never_asks_the_equipment_questions():
    shown = set(asked(CFM_5_17, CF7=2, CF12=1))
    assert not {"CF8", "CF9", "CF10", "CF11"} & shown


def test_an_answer_to_a_question_no_longer_asked_is_not_sent():
    # Glasses answered yes, then changed to no: the hidden CF2 answer must go.
    answers = {"CF1": 2, "CF2": 3, "CF3": 1, "CF7": 2, "CF12": 4, "CF13": 2}
    sent = answers_to_send(CFM_5_17, answers)
    assert "CF2" not in sent and "CF13" not in sent
    assert sent["CF3"] == 1 and sent["CF12"] == 4


def test_a_chain_of_follow_ups_is_dropped_when_its_first_gate_changes():
    sent = answers_to_send(CFM_5_17, {"CF7": 2, "CF8": 2, "CF9": 3, "CF10": 1, "CF11": 1})
    assert sent == {"CF7": 2}


def test_newly_asked_names_follow_ups_the_person_has_not_seen_yet():
    shown = ALWAYS_5_17
    assert newly_asked(CFM_5_17, {"CF1": 1, "CF7": 1}, shown) == ["CF2", "CF8", "CF10"]
    assert newly_asked(CFM_5_17, {"CF1": 1, "CF2": 1}, [*shown, "CF2"]) == []


def test_parse_answers_ignores_blank_and_non_numeric_values_and_unknown_fields():
    form = {"CF1": "1", "CF2": "", "CF3": "x", "CF99": "1", "csrf_token": "t", "CF4": " 2 "}
    assert parse_answers(CFM_2_4, form) == {"CF1": 1, "CF4": 2}


def test_under_2_is_clinical_judgement_by_domain_without_skips():
    assert CLINICAL_UNDER_2.clinical_judgement
    assert asked(CLINICAL_UNDER_2) == list(CLINICAL_UNDER_2.codes)
    assert "fine_motor" in CLINICAL_UNDER_2.codes


def test_instruments_have_the_module_codes_and_scales():
    assert CFM_2_4.codes == tuple(f"CF{n}" for n in range(1, 17))
    assert CFM_5_17.codes == tuple(f"CF{n}" for n in range(1, 25))
    assert CFM_2_4.question("CF16").scale == "behaviour_compared"
    assert CFM_5_17.question("CF23").codes == (1, 2, 3, 4, 5)
    assert get_instrument("cfm_9_99") is None and get_instrument(None) is None
