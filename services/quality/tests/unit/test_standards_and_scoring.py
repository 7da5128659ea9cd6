"""Standards' versions in force, and an inspection's score and level."""

from datetime import date
from decimal import Decimal

import pytest

from services.quality.domain.contracts import Period, monthly_cost, period_problems, total_value
from services.quality.domain.scoring import judge, problems
from services.quality.domain.standards import Criterion, StandardVersion, in_force, next_version


def version(number: int, start: date) -> StandardVersion:
    return StandardVersion(f"v{number}", "day_care", number, start, (Criterion("DC1", "plan"),))


V1 = version(1, date(2026, 1, 1))
V2 = version(2, date(2026, 7, 1))


def test_the_version_in_force_is_the_latest_started_on_that_day():
    assert in_force([V1, V2], date(2026, 6, 30)) is V1
    assert in_force([V1, V2], date(2026, 7, 1)) is V2
    assert in_force([V1, V2], date(2025, 12, 31)) is None


def test_a_new_version_takes_the_next_number():
    assert next_version([V1, V2]) == 3
    assert next_version([]) == 1


def test_score_counts_partly_met_as_half():
    result = judge({"A": "met", "B": "met", "C": "met", "D": "partly_met"})
    assert (result.score, result.level, result.accredited) == (87.5, "compliant", True)


def test_a_criterion_not_met_keeps_a_high_score_from_being_compliant():
    result = judge({"A": "met", "B": "met", "C": "met", "D": "met", "E": "not_met"})
    assert (result.score, result.level, result.not_met) == (80.0, "partly_compliant", ("E",))


def test_a_low_score_loses_accreditation():
    result = judge({"A": "not_met", "B": "partly_met", "C": "met", "D": "not_met"})
    assert (result.level, result.accredited) == ("non_compliant", False)


def test_problems_name_missing_unknown_and_badly_rated_criteria():
    found = problems(["A", "B"], {"A": "excellent", "Z": "met"})
    assert set(found) == {"A", "B", "Z"}


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [(date(2026, 1, 1), date(2026, 12, 31), 12), (date(2026, 3, 15), date(2026, 4, 1), 2)],
)
def test_contract_value_counts_started_months(start, end, months):
    assert Period(start, end).months == months
    assert monthly_cost(10, Decimal("850.00")) == Decimal("8500.00")
    assert total_value(10, Decimal("850.00"), Period(start, end)) == Decimal("8500.00") * months


def test_a_contract_may_end_on_its_first_day_but_not_before_it():
    assert period_problems(date(2026, 1, 1), date(2026, 1, 1)) == {}
    assert period_problems(date(2026, 1, 2), date(2026, 1, 1)) == {
        "end_date": ["Must not be before start_date."]
    }
