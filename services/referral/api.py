"""Referral's resources: providers, matches, referrals and their loop, waiting list, reports."""

from __future__ import annotations

from services.referral.resources import (
    care_plans,
    fhir,
    matching,
    needs,
    providers,
    referrals,
    reports,
    stages,
    waitlist,
)

BLUEPRINTS = [
    providers.blp,
    matching.blp,
    referrals.blp,
    care_plans.blp,
    waitlist.blp,
    needs.blp,
    reports.blp,
    stages.blp,
    fhir.blp,
]
