from datetime import date

import pytest

from services.assessment.domain import (
    CFM_2_4,
    CFM_5_17,
    CLINICAL_UNDER_2,
    NotEligibleError,
    age_in_months,
    age_in_years,
    get_instrument,
    select_instrument,
)

BORN = date(2020, 6, 15)


@pytest.mark.parametrize(
    ("on_date", "expected"),
    [
        (date(2020, 6, 15), CLINICAL_UNDER_2),
        (date(2022, 6, 14), CLINICAL_UNDER_2),
        (date(2022, 6, 15), CFM_2_4),
        (date(2025, 6, 14), CFM_2_4),
        (date(2025, 6, 15), CFM_5_17),
        (date(2038, 6, 14), CFM_5_17),
    ],
    ids=[
        "newborn",
        "day-before-2nd-birthday",
        "on-2nd-birthday",
        "day-before-5th-birthday",
        "on-5th-birthday",
        "day-before-18th-birthday",
    ],
)
def test_instrument_follows_age_on_the_assessment_date(on_date, expected):
    assert select_instrument(BORN, on_date) == expected


def test_an_adult_gets_no_instrument_from_the_18th_birthday():
    with pytest.raises(NotEligibleError):
        select_instrument(BORN, date(2038, 6, 15))


def test_an_assessment_before_birth_is_refused():
    with pytest.raises(NotEligibleError):
        select_instrument(BORN, date(2020, 6, 14))


@pytest.mark.parametrize(
    ("on_date", "expected"),
    [
        (date(2022, 2, 28), CLINICAL_UNDER_2),
        (date(2022, 3, 1), CFM_2_4),
        (date(2025, 2, 28), CFM_2_4),
        (date(2025, 3, 1), CFM_5_17),
    ],
)
def test_a_29_february_birthday_counts_from_1_march_in_common_years(on_date, expected):
    assert select_instrument(date(2020, 2, 29), on_date) == expected


def test_a_29_february_birthday_counts_on_the_day_in_leap_years():
    assert age_in_years(date(2016, 2, 29), date(2020, 2, 28)) == 3
    assert age_in_years(date(2016, 2, 29), date(2020, 2, 29)) == 4


def test_an_18th_birthday_on_1_march_excludes_a_29_february_child():
    assert select_instrument(date(2008, 2, 29), date(2026, 2, 28)) == CFM_5_17
    with pytest.raises(NotEligibleError):
        select_instrument(date(2008, 2, 29), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("born", "on_date", "months"),
    [
        (date(2024, 1, 31), date(2024, 2, 29), 0),
        (date(2024, 1, 31), date(2024, 3, 1), 1),
        (date(2023, 11, 25), date(2026, 11, 24), 35),
        (date(2023, 11, 25), date(2026, 11, 25), 36),
    ],
)
def test_age_in_months_counts_completed_months(born, on_date, months):
    assert age_in_months(born, on_date) == months


def test_question_codes_match_the_module():
    assert list(get_instrument(CFM_2_4).questions) == [f"CF{i}" for i in range(1, 17)]
    assert list(get_instrument(CFM_5_17).questions) == [f"CF{i}" for i in range(1, 25)]


def test_domains_match_the_module():
    assert list(get_instrument(CFM_2_4).domains) == [
        "seeing", "hearing", "walking", "fine_motor", "communication", "learning", "playing",
        "controlling_behaviour",
    ]  # fmt: skip
    assert list(get_instrument(CFM_5_17).domains) == [
        "seeing", "hearing", "walking", "self_care", "communication", "learning", "remembering",
        "concentrating", "accepting_change", "controlling_behaviour", "making_friends",
        "anxiety", "depression",
    ]  # fmt: skip


def test_under_2_is_clinical_judgement_over_the_2_to_4_domains():
    clinical = get_instrument(CLINICAL_UNDER_2)
    assert clinical.clinical_judgement is True
    assert list(clinical.questions) == list(get_instrument(CFM_2_4).domains)
    assert all(q.codes == (1, 2, 3, 4) for q in clinical.questions.values())
