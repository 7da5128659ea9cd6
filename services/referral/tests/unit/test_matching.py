"""Eligibility, ranking order and the reasons a case manager reads."""

from datetime import date

import pytest

from services.referral.domain.matching import (
    Child,
    Proximity,
    any_free_place,
    assess,
    ineligibility,
    is_eligible,
    rank,
)

from .helpers import TODAY, child, geography, provider

GEO = geography()


def names(matches):
    return [m.provider.name for m in matches]


def test_free_places_come_before_a_full_provider_next_door():
    full_here = provider("a", name="Full next door", places=10, places_taken=10)
    free_far = provider("b", name="Free far away", district_code="khujand")
    eligible, _ = rank(child(), [full_here, free_far], "day_care", TODAY, GEO)
    assert names(eligible) == ["Free far away", "Full next door"]


def test_same_district_then_same_region_then_elsewhere():
    elsewhere = provider("a", name="A Bokhtar", district_code="bokhtar")
    region = provider("b", name="B Hisor", district_code="hisor")
    here = provider("c", name="C Rudaki", district_code="rudaki")
    eligible, _ = rank(child("rudaki"), [elsewhere, region, here], "day_care", TODAY, GEO)
    assert names(eligible) == ["C Rudaki", "B Hisor", "A Bokhtar"]
    assert [m.proximity for m in eligible] == list(Proximity)


def test_dushanbe_is_another_region_than_rudaki():
    # Rudaki surrounds the capital but belongs to the Districts of Republican Subordination.
    match = assess(child("rudaki"), provider(district_code="sino"), "day_care", TODAY, GEO)
    assert match.proximity is Proximity.ELSEWHERE
    assert "located elsewhere (Sino, Dushanbe)" in match.reasons[1]


def test_accredited_before_not_when_otherwise_equal():
    plain = provider("a", name="A plain", accredited=False)
    accredited = provider("b", name="B accredited", accredited=True)
    eligible, _ = rank(child(), [plain, accredited], "day_care", TODAY, GEO)
    assert names(eligible) == ["B accredited", "A plain"]


def test_nearer_before_farther_and_unknown_location_last():
    # Rudaki's centre is at about 38.46 N 68.80 E.
    far = provider("a", name="A far", latitude=38.70, longitude=68.80)
    near = provider("b", name="B near", latitude=38.50, longitude=68.80)
    unknown = provider("c", name="C no coordinates")
    eligible, _ = rank(child(), [far, unknown, near], "day_care", TODAY, GEO)
    assert names(eligible) == ["B near", "A far", "C no coordinates"]


def test_accreditation_outranks_distance():
    near_plain = provider("a", name="Near", accredited=False, latitude=38.46, longitude=68.80)
    far_accredited = provider("b", name="Far", latitude=38.70, longitude=68.80)
    eligible, _ = rank(child(), [near_plain, far_accredited], "day_care", TODAY, GEO)
    assert names(eligible) == ["Far", "Near"]


def test_name_gives_a_stable_order_for_equal_providers():
    providers = [provider(pid, name=name) for pid, name in [("1", "beta"), ("2", "Alpha")]]
    first, _ = rank(child(), providers, "day_care", TODAY, GEO)
    second, _ = rank(child(), list(reversed(providers)), "day_care", TODAY, GEO)
    assert names(first) == names(second) == ["Alpha", "beta"]


def test_reasons_read_like_a_case_managers_note():
    centre = provider(
        "a", places=30, places_taken=27, district_code="rudaki", latitude=38.56, longitude=68.80
    )
    match = assess(child("rudaki"), centre, "day_care", TODAY, GEO)
    assert match.eligible
    assert match.reasons == (
        "3 of 30 places free",
        "serves Rudaki; located in the same district",
        "accredited",
        "≈11 km",
    )


def test_reasons_for_a_full_unaccredited_provider_in_the_region():
    centre = provider("a", places=20, places_taken=22, district_code="hisor", accredited=False)
    match = assess(child("rudaki"), centre, "day_care", TODAY, GEO)
    assert match.free_places == 0
    assert match.reasons == (
        "full: 0 of 20 places free",
        "serves Rudaki; located in the same region (Hisor)",
        "not accredited",
    )


def test_language_reason_when_the_family_language_is_known():
    tajik = assess(child(language="tg"), provider(languages=("tg", "ru")), "day_care", TODAY, GEO)
    russian_only = assess(child(language="tg"), provider(languages=("ru",)), "day_care", TODAY, GEO)
    assert tajik.reasons[-1] == "works in Tajik"
    assert russian_only.reasons[-1] == "does not list Tajik among its languages"


def test_distance_under_a_kilometre_is_not_rounded_to_zero():
    match = assess(child(), provider(latitude=38.461, longitude=68.801), "day_care", TODAY, GEO)
    assert match.reasons[-1] == "< 1 km"


@pytest.mark.parametrize(
    ("fields", "service_type", "reason"),
    [
        ({"active": False}, "day_care", "not active"),
        ({}, "home_based", "does not offer home-based care"),
        ({"min_age": 6}, "day_care", "takes ages 6–17; child is 5"),
        ({"max_age": 4}, "day_care", "takes ages 2–4; child is 5"),
        ({"districts_served": ("vahdat",)}, "day_care", "does not serve Rudaki"),
    ],
)
def test_each_ineligibility_is_explained(fields, service_type, reason):
    match = assess(child(age=5), provider(**fields), service_type, TODAY, GEO)
    assert not match.eligible
    assert match.reasons == (reason,)


def test_several_reasons_are_all_given():
    closed = provider(active=False, service_types=("residential",), districts_served=())
    assert ineligibility(child(), closed, "day_care", TODAY) == [
        "not active",
        "does not offer day care",
        "does not serve rudaki",
    ]


def test_age_limits_are_inclusive_and_birthdays_count_on_the_day():
    centre = provider(min_age=3, max_age=6)
    turns_three_today = Child("rudaki", date(2023, 11, 25))
    three_tomorrow = Child("rudaki", date(2023, 11, 26))
    turns_seven_today = Child("rudaki", date(2019, 11, 25))
    assert is_eligible(turns_three_today, centre, "day_care", TODAY)
    assert not is_eligible(three_tomorrow, centre, "day_care", TODAY)
    assert not is_eligible(turns_seven_today, centre, "day_care", TODAY)
    assert is_eligible(Child("rudaki", date(2019, 11, 26)), centre, "day_care", TODAY)


def test_open_age_limits_and_unknown_age():
    no_limits = provider(min_age=None, max_age=None)
    assert is_eligible(child(age=0), no_limits, "day_care", TODAY)
    assert ineligibility(Child("rudaki"), no_limits, "day_care", TODAY) == [
        "child's age is unknown"
    ]
    assert is_eligible(Child("rudaki", age_years=4), no_limits, "day_care", TODAY)


def test_rank_separates_ineligible_providers_with_their_reasons():
    good = provider("a", name="Good")
    wrong_area = provider("b", name="Wrong area", districts_served=("khujand",))
    eligible, ineligible = rank(child(), [wrong_area, good], "day_care", TODAY, GEO)
    assert names(eligible) == ["Good"]
    assert [(m.provider.name, m.reasons) for m in ineligible] == [
        ("Wrong area", ("does not serve Rudaki",))
    ]


def test_any_free_place_tells_when_the_child_could_wait_instead():
    full = provider("a", places=5, places_taken=5)
    eligible, _ = rank(child(), [full], "day_care", TODAY, GEO)
    assert not any_free_place(eligible)
    eligible, _ = rank(child(), [full, provider("b")], "day_care", TODAY, GEO)
    assert any_free_place(eligible)


def test_compliant_providers_rank_first_and_say_why():
    near = provider("a", name="A near, not inspected", district_code="rudaki")
    weak = provider("b", name="B weak", compliance_level="non_compliant", compliance_score=30.0)
    good = provider(
        "c", name="C good", district_code="hisor", compliance_level="compliant",
        compliance_score=92.5, last_inspection_date=date(2026, 10, 1),
    )  # fmt: skip
    eligible, _ = rank(child("rudaki"), [near, weak, good], "day_care", TODAY, GEO)
    assert names(eligible) == ["C good", "A near, not inspected", "B weak"]
    assert (
        "meets the service standard (score 92.5/100, inspected 2026-10-01)" in eligible[0].reasons
    )
    assert not any("standard" in reason for reason in eligible[1].reasons)
    assert "does not meet the service standard (score 30/100" in eligible[2].reasons[2]


def test_a_free_place_still_comes_before_compliance():
    full = provider("a", name="A full", places=1, places_taken=1, compliance_level="compliant")
    free = provider("b", name="B free")
    eligible, _ = rank(child("rudaki"), [full, free], "day_care", TODAY, GEO)
    assert names(eligible) == ["B free", "A full"]
