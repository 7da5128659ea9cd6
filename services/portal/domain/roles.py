"""Roles (contract §2), what each may open, and where each lands after logging in."""

from __future__ import annotations

from shared import vocabulary
from shared.vocabulary import LANGUAGES  # noqa: F401 (the pages speak the platform's languages)

PHW, SAH, CASE_MANAGER, PROVIDER, ADMIN = "phw", "sah_worker", "case_manager", "provider", "admin"
INSPECTOR = "inspector"
# The portal's users; partners read referrals as FHIR from the referral service, never here.
ROLES = tuple(role for role in vocabulary.ROLES if role != "partner")
DISTRICT_ROLES = (PHW, SAH, CASE_MANAGER)
REGISTERING_ROLES = (PHW, SAH, CASE_MANAGER)
CHILD_LIST_ROLES = (PHW, SAH, CASE_MANAGER, ADMIN)
DEFAULT_LANGUAGE = "tg"


def scope_problem(role: str, districts: list[str], provider_id: str | None) -> str | None:
    """Say what is wrong with a user's scope for their role, or None when it fits."""
    if role not in ROLES:
        return f"unknown role {role!r}; one of {', '.join(ROLES)}"
    if role in DISTRICT_ROLES and not districts:
        return f"role {role} needs at least one district"
    if role == PROVIDER and not provider_id:
        return "role provider needs a provider id"
    return None
