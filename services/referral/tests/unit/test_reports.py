"""The ministry summary's figures on a small data set worked out by hand."""

from dataclasses import replace

from services.referral.domain.reports import ReportFilter, summarise

from .helpers import at
from .report_data import JOURNEYS, NOW, PROVIDERS, REFERRALS, WAITING


def report(scope=None):
    return summarise(REFERRALS, JOURNEYS, WAITING, PROVIDERS, NOW, scope)


def test_referrals_by_status_and_service_type():
    counts = report()["referrals"]
    assert counts["total"] == 8
    assert counts["by_status"] == {
        "sent": 2,
        "accepted": 0,
        "declined": 2,
        "expired": 1,
        "in_progress": 1,
        "completed": 1,
        "cancelled": 1,
    }
    assert counts["by_service_type"]["day_care"]["total"] == 7
    assert counts["by_service_type"]["home_based"] == {
        "total": 1,
        "by_status": {
            "sent": 0,
            "accepted": 0,
            "declined": 0,
            "expired": 0,
            "in_progress": 0,
            "completed": 0,
            "cancelled": 1,
        },
    }


def test_rates_and_decline_reasons_per_provider():
    rows = {row["name"]: row for row in report()["providers"]}
    assert list(rows) == ["Chashma", "Ghuncha", "Mehr"]
    chashma = rows["Chashma"]
    assert (chashma["referrals"], chashma["accepted"], chashma["declined"]) == (4, 1, 1)
    assert chashma["expired"] == 1
    # Accepted, declined and expired count as settled; the open r7 does not.
    assert chashma["acceptance_rate"] == 0.333
    assert chashma["decline_rate"] == 0.333
    assert chashma["decline_reasons"] == {"no_capacity": 1}
    # The cancellation before any answer is left out of the rates.
    assert rows["Ghuncha"]["acceptance_rate"] == 0.0
    assert rows["Ghuncha"]["decline_rate"] == 1.0
    assert rows["Ghuncha"]["decline_reasons"] == {"other": 1}
    assert rows["Mehr"]["acceptance_rate"] == 1.0


def test_median_days_of_each_stage():
    assert report()["median_days"] == {
        "registration_to_assessment": 4.0,
        "assessment_to_referral": 2.0,
        "referral_to_acceptance": 2.0,
        "registration_to_acceptance": 8.0,
    }


def test_share_answered_within_the_deadline():
    # Due: r1, r2, r4, r8 answered; r3 expired; r7 overdue. In time: r1, r4, r8.
    assert report()["answered_within_deadline"] == {"due": 6, "in_time": 3, "share": 0.5}


def test_waiting_list_per_district():
    rows = report()["waiting_list"]
    assert [(r["region_code"], r["district_code"]) for r in rows] == [
        ("TJ-GB", "murghob"),
        ("TJ-RA", "rudaki"),
        ("TJ-SU", "khujand"),
    ]
    assert [(r["children"], r["median_wait_days"]) for r in rows] == [(1, 0.5), (3, 10.0), (1, 5.0)]


def test_coverage_gaps_are_districts_nobody_serves_for_that_service():
    assert report()["coverage_gaps"] == [
        {
            "region_code": "TJ-GB",
            "district_code": "murghob",
            "service_type": "day_care",
            "children_waiting": 1,
        },
        {
            "region_code": "TJ-SU",
            "district_code": "khujand",
            "service_type": "residential",
            "children_waiting": 1,
        },
    ]


def test_a_full_provider_is_not_a_coverage_gap():
    full = [replace(p, places_taken=p.places) for p in PROVIDERS]
    gaps = summarise([], [], WAITING, full, NOW)["coverage_gaps"]
    assert [g["district_code"] for g in gaps] == ["murghob", "khujand"]


def test_region_scope_leaves_other_regions_out():
    summary = report(ReportFilter(region_code="TJ-RA"))
    assert summary["referrals"]["total"] == 7
    assert [row["name"] for row in summary["providers"]] == ["Chashma", "Ghuncha"]
    assert [row["district_code"] for row in summary["waiting_list"]] == ["rudaki"]
    assert summary["coverage_gaps"] == []


def test_district_and_period_scope():
    summary = report(ReportFilter(district_code="rudaki", start=at(3), end=at(6)))
    assert summary["referrals"]["total"] == 2  # r2 sent on the 3rd, r3 on the 5th
    assert summary["median_days"]["registration_to_assessment"] is None


def test_a_set_of_districts_limits_the_scope():
    summary = report(ReportFilter(district_codes=frozenset({"khujand", "murghob"})))
    assert summary["referrals"]["total"] == 1
    assert [row["district_code"] for row in summary["waiting_list"]] == ["murghob", "khujand"]


def test_period_keeps_children_registered_in_it_only():
    summary = report(ReportFilter(start=at(1, month=10), end=at(2, month=10)))
    # c4 has no registration time, so only c1 and c2 count: 2 and 4 days.
    assert summary["median_days"]["assessment_to_referral"] == 3.0
    assert summary["referrals"]["total"] == 0


def test_empty_data_gives_empty_figures_not_errors():
    summary = summarise([], [], [], [], NOW)
    assert summary["referrals"]["total"] == 0
    assert summary["providers"] == []
    assert summary["answered_within_deadline"] == {"due": 0, "in_time": 0, "share": None}
    assert set(summary["median_days"].values()) == {None}
