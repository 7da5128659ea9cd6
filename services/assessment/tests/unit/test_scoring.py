import pytest

from services.assessment.domain import (
    CFM_2_4,
    CFM_5_17,
    CLINICAL_UNDER_2,
    WITH_EQUIPMENT,
    WITHOUT_EQUIPMENT,
    event_domains,
    score,
    validate_answers,
)

from . import answers


def difficulty(instrument, given, domain, walking_rule=WITHOUT_EQUIPMENT):
    """Score answers that must be valid and return one domain's difficulty."""
    assert validate_answers(instrument, given) == {}
    return score(instrument, given, walking_rule).domains[domain].difficulty


DIFFICULTY_BOUNDARIES = [(1, False), (2, False), (3, True), (4, True)]


@pytest.mark.parametrize(("answer", "expected"), DIFFICULTY_BOUNDARIES)
@pytest.mark.parametrize(
    ("code", "domain"),
    [("CF11", "fine_motor"), ("CF14", "learning"), ("CF15", "playing"), ("CF10", "walking")],
)
def test_2_to_4_single_question_domains_meet_the_cutoff_at_a_lot(code, domain, answer, expected):
    assert difficulty(CFM_2_4, answers.cfm_2_4(**{code: answer}), domain) is expected


@pytest.mark.parametrize(("answer", "expected"), DIFFICULTY_BOUNDARIES)
@pytest.mark.parametrize(
    ("code", "domain"),
    [
        ("CF14", "self_care"),
        ("CF17", "learning"),
        ("CF18", "remembering"),
        ("CF19", "concentrating"),
        ("CF20", "accepting_change"),
        ("CF21", "controlling_behaviour"),
        ("CF22", "making_friends"),
    ],
)
def test_5_to_17_single_question_domains_meet_the_cutoff_at_a_lot(code, domain, answer, expected):
    assert difficulty(CFM_5_17, answers.cfm_5_17(**{code: answer}), domain) is expected


@pytest.mark.parametrize(("answer", "expected"), [(1, False), (2, False), (3, False), (4, True)])
def test_behaviour_at_2_to_4_counts_only_a_lot_more(answer, expected):
    assert difficulty(CFM_2_4, answers.cfm_2_4(CF16=answer), "controlling_behaviour") is expected


@pytest.mark.parametrize(
    ("answer", "expected"), [(1, True), (2, False), (3, False), (4, False), (5, False)]
)
@pytest.mark.parametrize(("code", "domain"), [("CF23", "anxiety"), ("CF24", "depression")])
def test_anxiety_and_depression_count_only_daily(code, domain, answer, expected):
    assert difficulty(CFM_5_17, answers.cfm_5_17(**{code: answer}), domain) is expected


@pytest.mark.parametrize("make", [answers.cfm_2_4, answers.cfm_5_17])
@pytest.mark.parametrize(("answer", "expected"), DIFFICULTY_BOUNDARIES)
def test_seeing_is_scored_with_glasses_when_worn(make, answer, expected):
    instrument = CFM_2_4 if make is answers.cfm_2_4 else CFM_5_17
    assert difficulty(instrument, make(CF3=answer), "seeing") is expected
    assert difficulty(instrument, make(CF1=1, CF3=None, CF2=answer), "seeing") is expected


@pytest.mark.parametrize("make", [answers.cfm_2_4, answers.cfm_5_17])
@pytest.mark.parametrize(("answer", "expected"), DIFFICULTY_BOUNDARIES)
def test_hearing_is_scored_with_the_aid_when_used(make, answer, expected):
    instrument = CFM_2_4 if make is answers.cfm_2_4 else CFM_5_17
    assert difficulty(instrument, make(CF6=answer), "hearing") is expected
    assert difficulty(instrument, make(CF4=1, CF6=None, CF5=answer), "hearing") is expected


@pytest.mark.parametrize(
    ("understanding", "understood", "expected"),
    [(1, 1, False), (2, 2, False), (3, 1, True), (1, 3, True), (2, 4, True)],
)
def test_communication_meets_the_cutoff_on_either_question(understanding, understood, expected):
    two_to_four = answers.cfm_2_4(CF12=understanding, CF13=understood)
    assert difficulty(CFM_2_4, two_to_four, "communication") is expected
    five_to_17 = answers.cfm_5_17(CF15=understanding, CF16=understood)
    assert difficulty(CFM_5_17, five_to_17, "communication") is expected


@pytest.mark.parametrize(
    ("without", "with_", "by_default", "by_equipment"),
    [(2, 1, False, False), (3, 1, True, False), (4, 1, True, False), (2, 3, False, True),
     (2, 4, False, True), (4, 4, True, True)],
)  # fmt: skip
def test_walking_at_2_to_4_for_equipment_users_follows_the_walking_rule(
    without, with_, by_default, by_equipment
):
    given = answers.cfm_2_4(CF7=1, CF8=without, CF9=with_, CF10=None)
    assert difficulty(CFM_2_4, given, "walking") is by_default
    assert difficulty(CFM_2_4, given, "walking", WITH_EQUIPMENT) is by_equipment


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"CF12": 2, "CF13": 2}, False),
        ({"CF12": 2, "CF13": 3}, True),
        ({"CF12": 1, "CF13": 4}, True),
        ({"CF12": 3, "CF13": 3}, True),
        ({"CF12": 4, "CF13": None}, True),
    ],
)
def test_walking_at_5_to_17_without_equipment_compares_100_and_500_metres(changes, expected):
    assert difficulty(CFM_5_17, answers.cfm_5_17(**changes), "walking") is expected


EQUIPMENT_USER = {"CF7": 1, "CF12": None, "CF13": None}


@pytest.mark.parametrize(
    ("walking", "by_default", "by_equipment"),
    [
        ({"CF8": 2, "CF9": 2, "CF10": 1, "CF11": 1}, False, False),
        ({"CF8": 2, "CF9": 3, "CF10": 1, "CF11": 2}, True, False),
        ({"CF8": 4, "CF10": 2, "CF11": 2}, True, False),
        ({"CF8": 2, "CF9": 2, "CF10": 2, "CF11": 3}, False, True),
        ({"CF8": 2, "CF9": 2, "CF10": 4}, False, True),
        ({"CF8": 3, "CF9": 4, "CF10": 3, "CF11": 4}, True, True),
    ],
)
def test_walking_at_5_to_17_for_equipment_users_follows_the_walking_rule(
    walking, by_default, by_equipment
):
    given = answers.cfm_5_17(**EQUIPMENT_USER, **walking)
    assert difficulty(CFM_5_17, given, "walking") is by_default
    assert difficulty(CFM_5_17, given, "walking", WITH_EQUIPMENT) is by_equipment


def test_the_deciding_answer_is_the_most_severe_of_the_domain():
    result = score(CFM_5_17, answers.cfm_5_17(CF12=2, CF13=3)).domains["walking"]
    assert (result.question, result.answer, result.label) == ("CF13", 3, "a_lot_of_difficulty")
    result = score(CFM_5_17, answers.cfm_5_17(CF23=2)).domains["anxiety"]
    assert (result.question, result.answer, result.label) == ("CF23", 2, "weekly")


@pytest.mark.parametrize(("answer", "expected"), DIFFICULTY_BOUNDARIES)
@pytest.mark.parametrize("domain", answers.CLINICAL_DOMAINS)
def test_clinical_judgement_under_2_uses_the_four_point_cutoff(domain, answer, expected):
    assert difficulty(CLINICAL_UNDER_2, answers.clinical(**{domain: answer}), domain) is expected


def test_functional_difficulty_when_any_domain_meets_its_cutoff():
    none = score(CFM_5_17, answers.cfm_5_17(CF17=2, CF23=2, CF21=2))
    assert none.functional_difficulty is False
    assert none.domains_with_difficulty == []
    some = score(CFM_5_17, answers.cfm_5_17(CF17=3, CF24=1))
    assert some.functional_difficulty is True
    assert some.domains_with_difficulty == ["learning", "depression"]


def test_the_result_names_instrument_rule_and_clinical_marker():
    result = score(CLINICAL_UNDER_2, answers.clinical(hearing=4)).to_dict()
    assert result["instrument"] == CLINICAL_UNDER_2
    assert result["clinical_judgement"] is True
    assert result["walking_rule"] == WITHOUT_EQUIPMENT
    assert result["functional_difficulty"] is True
    assert result["domains"]["hearing"] == {
        "difficulty": True, "question": "hearing", "answer": 4, "label": "cannot_do_at_all",
    }  # fmt: skip


def test_event_domains_carry_results_without_answers():
    result = score(CFM_2_4, answers.cfm_2_4(CF10=3))
    assert event_domains(result)["walking"] == {"difficulty": True}
    assert all(set(d) == {"difficulty"} for d in event_domains(result).values())


def test_an_unknown_walking_rule_is_refused():
    with pytest.raises(ValueError, match="walking rule"):
        score(CFM_2_4, answers.cfm_2_4(), "on_a_good_day")
