from datetime import UTC, date, datetime

import pytest

from services.intake.domain.children import (
    CONCERNS,
    LANGUAGES,
    RELATIONSHIPS,
    SCREENING_SOURCES,
    TOMBSTONE_FIELDS,
    InvalidDateOfBirth,
    Tombstone,
    age_in_months,
    age_on,
    check_date_of_birth,
    referral_allowed,
    screening_problems,
)

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2023, 4, 12), date(2026, 4, 11), 2),
        (date(2023, 4, 12), date(2026, 4, 12), 3),
        (date(2026, 11, 25), date(2026, 11, 25), 0),
        (date(2020, 2, 29), date(2025, 2, 28), 4),
        (date(2020, 2, 29), date(2025, 3, 1), 5),
        (date(2020, 2, 29), date(2024, 2, 29), 4),
    ],
)
def test_age_counts_completed_years(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (date(2026, 1, 31), date(2026, 2, 28), 0),
        (date(2026, 1, 31), date(2026, 3, 31), 2),
        (date(2024, 11, 25), date(2026, 11, 24), 23),
        (date(2024, 11, 25), date(2026, 11, 25), 24),
    ],
)
def test_age_in_months_counts_completed_months(born, on, months):
    assert age_in_months(born, on) == months


def test_a_child_born_today_can_be_registered():
    assert check_date_of_birth(TODAY, TODAY) == TODAY


def test_a_date_of_birth_in_the_future_is_refused():
    with pytest.raises(InvalidDateOfBirth, match="future"):
        check_date_of_birth(date(2026, 11, 26), TODAY)


def test_the_last_day_before_the_eighteenth_birthday_is_accepted():
    assert check_date_of_birth(date(2008, 11, 26), TODAY) == date(2008, 11, 26)


def test_a_child_who_turns_eighteen_on_the_registration_day_is_refused():
    with pytest.raises(InvalidDateOfBirth, match=r"under 18.*born after 2008-11-25"):
        check_date_of_birth(date(2008, 11, 25), TODAY)


def test_the_age_limit_message_handles_a_29_february_registration_day():
    with pytest.raises(InvalidDateOfBirth, match="born after 2010-02-28"):
        check_date_of_birth(date(2000, 1, 1), date(2028, 2, 29))


def test_concern_names_are_the_child_functioning_module_domains():
    assert len(CONCERNS) == 15
    assert {"walking", "communication", "fine_motor", "controlling_behaviour"} <= set(CONCERNS)


def test_vocabularies_match_the_published_values():
    assert RELATIONSHIPS == ("mother", "father", "grandparent", "other_relative", "other")
    assert SCREENING_SOURCES == ("phw", "sah_worker", "parent", "school", "other")
    assert LANGUAGES[0] == "tg" and "ru" in LANGUAGES


def test_a_screening_with_known_concerns_has_no_problems():
    assert screening_problems(["walking", "communication"], False, None) == {}
    assert screening_problems([], True, "protection concern") == {}


def test_unknown_concerns_are_named_in_the_error():
    problems = screening_problems(["walking", "running", "Seeing"], False, None)
    assert list(problems) == ["concerns"]
    assert "running" in problems["concerns"][0]
    assert "Seeing" in problems["concerns"][1]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_urgent_screening_needs_a_reason(reason):
    assert "urgent_reason" in screening_problems(["walking"], True, reason)


def test_only_consent_given_allows_referral():
    assert referral_allowed(True)
    assert not referral_allowed(False)
    assert not referral_allowed(None)


def test_a_tombstone_keeps_id_district_birth_year_and_dates_only():
    registered = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    withdrawn = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    tombstone = Tombstone("c-1", "rudaki", 2023, registered, withdrawn)
    assert tombstone.as_dict() == {
        "id": "c-1",
        "district_code": "rudaki",
        "birth_year": 2023,
        "registered_at": registered,
        "consent_withdrawn_at": withdrawn,
    }
    assert tuple(tombstone.as_dict()) == TOMBSTONE_FIELDS
