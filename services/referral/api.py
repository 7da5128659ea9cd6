"""Referral's resources: providers, matches, referrals and their loop, waiting list, reports."""

from __future__ import annotations

from services.referral.resources import (
    benchmark,
    care_plans,
    fhir,
    matching,
    needs,
    provider_places,
    providers,
    referrals,
    reports,
    stages,
    waitlist,
)

BLUEPRINTS = [
    providers.blp,
    provider_places.blp,
    matching.blp,
    referrals.blp,
    care_plans.blp,
    waitlist.blp,
    needs.blp,
    reports.blp,
    benchmark.blp,
    stages.blp,
    fhir.blp,
]
