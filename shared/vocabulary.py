"""The vocabularies every service and the portal speak (contract §2, §4, §6), defined once.

Pure data, no framework: domain packages import it. A service that accepts only part of a
vocabulary derives its narrower tuple from the one here and says why next to it.
"""

from __future__ import annotations

# Who may call (contract §2). partner: health and social-care partners reading referrals as FHIR;
# inspector: the ministry's quality inspectors.
ROLES = ("phw", "sah_worker", "case_manager", "provider", "admin", "partner", "inspector")

SEXES = ("female", "male")
# The Child Functioning Module's domains (ages 2–4 and 5–17 together), in snake_case.
CONCERNS = (
    "seeing",
    "hearing",
    "walking",
    "fine_motor",
    "communication",
    "learning",
    "playing",
    "controlling_behaviour",
    "self_care",
    "remembering",
    "concentrating",
    "accepting_change",
    "making_friends",
    "anxiety",
    "depression",
)
CFM_DOMAINS = CONCERNS
RELATIONSHIPS = ("mother", "father", "grandparent", "other_relative", "other")
SCREENING_SOURCES = ("phw", "sah_worker", "parent", "school", "other")

# The languages the platform writes in: pages, staff accounts, SMS to providers.
LANGUAGES = ("tg", "ru", "en")
# The languages a family hears its SMS in (the SMS templates exist in these two).
GUARDIAN_LANGUAGES = tuple(lang for lang in LANGUAGES if lang in ("tg", "ru"))
# The languages a provider may say it works in (the directory's choices).
PROVIDER_LANGUAGES = ("tg", "ru", "uz", "ky", "en")

# The services a child is referred to.
SERVICE_TYPES = ("home_based", "day_care", "residential")
# The adopted service specifications quality inspects against: the referral types and three more.
STANDARD_SERVICE_TYPES = (*SERVICE_TYPES, "respite_care", "foster_care", "supported_living")
PRIORITIES = ("urgent", "high", "routine")
# Where an assessment takes place.
PLACE_TYPES = ("home_visit", "centre", "clinic")

# How far an assessment has come; the first two are still to do (on the worklist).
ASSESSMENT_STATUSES = ("pending", "scheduled", "completed", "cancelled")
OPEN_ASSESSMENT_STATUSES = ASSESSMENT_STATUSES[:2]
# An inspector's rating of one criterion, and the level an inspection concludes.
RATINGS = ("met", "partly_met", "not_met")
COMPLIANCE_LEVELS = ("compliant", "partly_compliant", "non_compliant")
CONTRACT_STATUSES = ("active", "terminated")
# Where a referral stands (contract §4): the referral service's state machine moves between them,
# the portal groups a provider's inbox by them.
REFERRAL_STATUSES = (
    "sent",
    "accepted",
    "declined",
    "expired",
    "in_progress",
    "completed",
    "cancelled",
)
# Waiting for the provider's answer.
AWAITING_ANSWER_STATUSES = ("sent",)
# Accepted and not yet ended: the referral holds one of the provider's places.
PLACE_TAKING_STATUSES = ("accepted", "in_progress")
# Not ended yet: still waiting for an answer or holding a place.
OPEN_REFERRAL_STATUSES = (*AWAITING_ANSWER_STATUSES, *PLACE_TAKING_STATUSES)
