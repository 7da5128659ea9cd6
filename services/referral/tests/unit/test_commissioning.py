"""Contracted places, funded against used places, and unmet demand on a known data set."""

from datetime import date
from decimal import Decimal

from services.referral.domain.care_plans import domain_change
from services.referral.domain.commissioning import (
    Contract,
    best_new_contracts,
    contracted_places,
    funded_vs_used,
    unmet_demand,
)

DAY = date(2026, 11, 25)


def contract(cid: str, places: int, kind="day_care", provider="p1", **terms) -> Contract:
    values = {"start_date": date(2026, 1, 1), "end_date": date(2026, 12, 31), "active": True,
              **terms}  # fmt: skip
    return Contract(cid, provider, kind, places, Decimal("1000.00"), districts=("rudaki",),
                    **values)  # fmt: skip


def test_places_count_only_running_contracts_for_offered_service_types():
    contracts = [
        contract("now", 10),
        contract("later", 5, start_date=date(2027, 1, 1), end_date=date(2027, 12, 31)),
        contract("ended", 7, active=False),
        contract("respite", 4, kind="respite_care"),
    ]
    assert contracted_places(contracts, ["day_care"], DAY) == 10
    assert contracted_places(contracts, ["day_care"], date(2027, 2, 1)) == 5
    assert contracted_places(contracts, ["day_care", "respite_care"], DAY) == 14


def test_funded_against_used_and_cost_per_child():
    contracts = [contract("a", 10), contract("b", 4, provider="p2", kind="home_based")]
    used = {("p1", "day_care"): 8, ("p3", "day_care"): 2}
    served = {("p1", "day_care"): 5}
    rows = {
        (f.provider_id, f.service_type): f for f in funded_vs_used(contracts, used, served, DAY)
    }
    p1 = rows[("p1", "day_care")]
    assert (p1.funded_places, p1.places_used, p1.use_rate) == (10, 8, 0.8)
    assert p1.cost_per_child_month == Decimal("2000.00")
    assert rows[("p2", "home_based")].cost_per_child_month is None
    assert rows[("p3", "day_care")].funded_places == 0


def test_unmet_demand_and_where_a_contract_reaches_most_children():
    waiting = [("rudaki", "day_care")] * 3 + [("khujand", "day_care")]
    unserved = [("isfara", "day_care")] * 2 + [("rudaki", "home_based")]
    gaps = unmet_demand(waiting, unserved)
    assert [(g.district_code, g.service_type, g.unmet) for g in gaps] == [
        ("rudaki", "day_care", 3), ("isfara", "day_care", 2),
        ("khujand", "day_care", 1), ("rudaki", "home_based", 1),
    ]  # fmt: skip
    regions = {"rudaki": "TJ-RA", "isfara": "TJ-SU", "khujand": "TJ-SU"}
    best = best_new_contracts(gaps, regions.get)
    assert [(b["region_code"], b["service_type"], b["children_reached"]) for b in best] == [
        ("TJ-RA", "day_care", 3), ("TJ-SU", "day_care", 3), ("TJ-RA", "home_based", 1),
    ]  # fmt: skip
    assert best[1]["locate_in"] == "isfara"


def test_a_reassessment_shows_change_per_domain():
    before = {"walking": {"difficulty": True}, "learning": {"difficulty": False},
              "seeing": {"difficulty": False}}  # fmt: skip
    after = {"walking": {"difficulty": False}, "learning": {"difficulty": True},
             "seeing": {"difficulty": False}, "hearing": {"difficulty": True}}  # fmt: skip
    assert domain_change(before, after) == {
        "learning": "worse", "seeing": "same", "walking": "improved",
    }  # fmt: skip
