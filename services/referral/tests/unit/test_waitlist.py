"""Waiting-list order, positions per service type and region, and who gets a freed place."""

from datetime import date

import pytest

from services.referral.domain.waitlist import (
    WaitingChild,
    choose_for_provider,
    ordered,
    position_of,
    positions,
)

from .helpers import TODAY, at, provider


def waiting(
    entry_id,
    priority="routine",
    since=None,
    service_type="day_care",
    district="rudaki",
    region="TJ-RA",
    born=date(2021, 5, 1),
):
    return WaitingChild(
        entry_id=entry_id,
        child_id=f"child-{entry_id}",
        service_type=service_type,
        region_code=region,
        district_code=district,
        priority=priority,
        waiting_since=since or at(1),
        date_of_birth=born,
    )


def test_priority_first_then_waiting_time():
    entries = [
        waiting("routine-old", "routine", at(1)),
        waiting("high-new", "high", at(20)),
        waiting("urgent-newest", "urgent", at(24)),
        waiting("high-old", "high", at(5)),
    ]
    assert [e.entry_id for e in ordered(entries)] == [
        "urgent-newest",
        "high-old",
        "high-new",
        "routine-old",
    ]


def test_unknown_priority_waits_behind_routine():
    entries = [waiting("odd", "whenever", at(1)), waiting("routine", "routine", at(9))]
    assert [e.entry_id for e in ordered(entries)] == ["routine", "odd"]


def test_positions_are_counted_per_service_type_and_region():
    entries = [
        waiting("a", "routine", at(1)),
        waiting("b", "urgent", at(3)),
        waiting("c", "routine", at(2), service_type="home_based"),
        waiting("d", "routine", at(1), district="khujand", region="TJ-SU"),
        waiting("e", "high", at(4), district="hisor"),
    ]
    assert positions(entries) == {"b": 1, "e": 2, "a": 3, "c": 1, "d": 1}
    assert position_of("a", entries) == 3


def test_position_of_a_child_not_waiting_is_an_error():
    with pytest.raises(KeyError):
        position_of("missing", [waiting("a")])


def test_freed_place_goes_to_the_best_placed_eligible_child():
    centre = provider(places=10, places_taken=9, min_age=3, max_age=17)
    entries = [
        waiting("routine-old", "routine", at(1)),
        waiting("urgent-too-young", "urgent", at(2), born=date(2024, 6, 1)),
        waiting("high-outside-area", "high", at(1), district="vahdat"),
        waiting("high-wrong-service", "high", at(1), service_type="residential"),
        waiting("high-eligible", "high", at(10)),
    ]
    chosen = choose_for_provider(entries, centre, TODAY)
    assert chosen is not None and chosen.entry_id == "high-eligible"


def test_no_one_is_chosen_without_a_free_place_or_an_eligible_child():
    entries = [waiting("a")]
    assert choose_for_provider(entries, provider(places=3, places_taken=3), TODAY) is None
    assert choose_for_provider(entries, provider(districts_served=("sino",)), TODAY) is None
    assert choose_for_provider([], provider(), TODAY) is None


def test_a_provider_offering_two_services_can_be_limited_to_one():
    both = provider(service_types=("day_care", "home_based"))
    entries = [waiting("home", "urgent", service_type="home_based"), waiting("day", "routine")]
    assert choose_for_provider(entries, both, TODAY).entry_id == "home"
    assert choose_for_provider(entries, both, TODAY, service_type="day_care").entry_id == "day"
