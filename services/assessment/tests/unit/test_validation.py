import pytest

from services.assessment.domain import CFM_2_4, CFM_5_17, CLINICAL_UNDER_2, validate_answers

from . import answers


def test_complete_answers_pass():
    assert validate_answers(CFM_2_4, answers.cfm_2_4()) == {}
    assert validate_answers(CFM_5_17, answers.cfm_5_17()) == {}
    assert validate_answers(CLINICAL_UNDER_2, answers.clinical()) == {}


def test_a_missing_answer_is_named():
    errors = validate_answers(CFM_2_4, answers.cfm_2_4(CF14=None))
    assert list(errors) == ["CF14"]
    assert "Missing" in errors["CF14"][0]


def test_a_question_of_the_other_version_is_unknown():
    errors = validate_answers(CFM_2_4, answers.cfm_2_4(CF20=1))
    assert list(errors) == ["CF20"]
    assert "Unknown" in errors["CF20"][0]


@pytest.mark.parametrize(
    ("instrument", "code", "value"),
    [
        (CFM_2_4, "CF11", 5),
        (CFM_2_4, "CF11", 0),
        (CFM_2_4, "CF1", 3),
        (CFM_2_4, "CF16", 5),
        (CFM_5_17, "CF23", 6),
        (CFM_5_17, "CF23", 0),
        (CFM_5_17, "CF14", "3"),
        (CFM_5_17, "CF14", True),
        (CFM_5_17, "CF14", 2.0),
        (CLINICAL_UNDER_2, "walking", 5),
    ],
)
def test_an_out_of_range_answer_is_named(instrument, code, value):
    base = answers.clinical() if instrument == CLINICAL_UNDER_2 else None
    base = base or (answers.cfm_2_4() if instrument == CFM_2_4 else answers.cfm_5_17())
    errors = validate_answers(instrument, {**base, code: value})
    assert list(errors) == [code]
    assert errors[code][0].startswith("Must be one of")


def test_seeing_follows_the_glasses_answer():
    with_glasses = answers.cfm_2_4(CF1=1, CF2=3, CF3=None)
    assert validate_answers(CFM_2_4, with_glasses) == {}
    errors = validate_answers(CFM_2_4, answers.cfm_2_4(CF2=1))
    assert list(errors) == ["CF2"]
    assert "Not asked" in errors["CF2"][0]
    errors = validate_answers(CFM_2_4, answers.cfm_2_4(CF1=1))
    assert sorted(errors) == ["CF2", "CF3"]


def test_hearing_follows_the_hearing_aid_answer():
    assert validate_answers(CFM_5_17, answers.cfm_5_17(CF4=1, CF5=2, CF6=None)) == {}
    errors = validate_answers(CFM_5_17, answers.cfm_5_17(CF4=1))
    assert sorted(errors) == ["CF5", "CF6"]


def test_walking_with_equipment_asks_the_equipment_branch_at_2_to_4():
    equipment = answers.cfm_2_4(CF7=1, CF8=2, CF9=1, CF10=None)
    assert validate_answers(CFM_2_4, equipment) == {}
    errors = validate_answers(CFM_2_4, answers.cfm_2_4(CF7=1))
    assert sorted(errors) == ["CF10", "CF8", "CF9"]


def test_walking_without_equipment_never_answers_no_difficulty():
    errors = validate_answers(CFM_2_4, answers.cfm_2_4(CF7=1, CF8=1, CF9=1, CF10=None))
    assert errors == {"CF8": ["Must be one of 2, 3, 4."]}


def test_walking_with_equipment_asks_the_equipment_branch_at_5_to_17():
    equipment = answers.cfm_5_17(CF7=1, CF8=2, CF9=3, CF10=1, CF11=2, CF12=None, CF13=None)
    assert validate_answers(CFM_5_17, equipment) == {}


@pytest.mark.parametrize(("hundred", "five_hundred"), [("CF8", "CF9"), ("CF10", "CF11")])
def test_500_metres_is_not_asked_when_100_metres_cannot_be_done_with_equipment_user(
    hundred, five_hundred
):
    base = answers.cfm_5_17(CF7=1, CF8=2, CF9=2, CF10=1, CF11=1, CF12=None, CF13=None)
    skipped = {**base, hundred: 4}
    errors = validate_answers(CFM_5_17, skipped)
    assert list(errors) == [five_hundred]
    assert "Not asked" in errors[five_hundred][0]
    del skipped[five_hundred]
    assert validate_answers(CFM_5_17, skipped) == {}


def test_500_metres_is_not_asked_when_100_metres_cannot_be_done():
    errors = validate_answers(CFM_5_17, answers.cfm_5_17(CF12=4, CF13=4))
    assert list(errors) == ["CF13"]
    assert validate_answers(CFM_5_17, answers.cfm_5_17(CF12=4, CF13=None)) == {}


@pytest.mark.parametrize("hundred", [1, 2, 3])
def test_500_metres_is_required_when_100_metres_can_be_done(hundred):
    errors = validate_answers(CFM_5_17, answers.cfm_5_17(CF12=hundred, CF13=None))
    assert list(errors) == ["CF13"]
    assert "Missing" in errors["CF13"][0]


def test_an_invalid_earlier_answer_is_the_only_error_reported_for_its_branch():
    errors = validate_answers(CFM_5_17, answers.cfm_5_17(CF7=7))
    assert list(errors) == ["CF7"]


def test_null_answers_count_as_not_given():
    assert validate_answers(CFM_2_4, {**answers.cfm_2_4(), "CF2": None}) == {}
    assert list(validate_answers(CFM_2_4, {**answers.cfm_2_4(), "CF3": None})) == ["CF3"]


def test_clinical_answers_are_keyed_by_domain_names():
    errors = validate_answers(CLINICAL_UNDER_2, {**answers.clinical(), "CF1": 1})
    assert list(errors) == ["CF1"]
    errors = validate_answers(CLINICAL_UNDER_2, answers.clinical(playing=None))
    assert list(errors) == ["playing"]


def test_every_problem_is_reported_at_once():
    errors = validate_answers(CFM_2_4, {"CF1": 2, "CF3": 9, "CF99": 1})
    assert errors["CF3"][0].startswith("Must be one of")
    assert "Unknown" in errors["CF99"][0]
    assert {"CF4", "CF7", "CF11", "CF16"} <= set(errors)


def test_an_aid_answer_filed_under_the_other_wording_is_read_as_the_asked_one():
    from services.assessment.domain.validation import reconcile_aid_variants

    contract_example = {"CF1": 2, "CF2": 1, "CF4": 2, "CF6": 1, "CF7": 2, "CF10": 3, "CF11": 1,
                        "CF12": 1, "CF13": 1, "CF14": 1, "CF15": 1, "CF16": 2}  # fmt: skip
    fixed, notes = reconcile_aid_variants("cfm_2_4", contract_example)
    assert fixed["CF3"] == 1 and "CF2" not in fixed
    assert notes == ["CF2 read as CF3 because CF1 is 2"]
    assert validate_answers("cfm_2_4", fixed) == {}


def test_both_wordings_answered_is_still_an_error():
    from services.assessment.domain.validation import reconcile_aid_variants

    answers = {"CF1": 2, "CF2": 1, "CF3": 1, "CF4": 2, "CF6": 1, "CF7": 2, "CF10": 3, "CF11": 1,
               "CF12": 1, "CF13": 1, "CF14": 1, "CF15": 1, "CF16": 2}  # fmt: skip
    fixed, notes = reconcile_aid_variants("cfm_2_4", answers)
    assert notes == [] and "CF2" in validate_answers("cfm_2_4", fixed)
