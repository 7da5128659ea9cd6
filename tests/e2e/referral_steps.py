"""The referral side of a journey: the provider directory, needs, matches, referrals, answers."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from tests.e2e.client import Client, Family

_PROVIDER_NUMBERS = itertools.count(1)


class ReferralSteps(Client):
    """What the admin, the case manager and the provider do in the referral service."""

    def add_provider(self, district: str, name: str, places: int = 5, **fields: Any) -> dict:
        """Create a provider serving one district, as the ministry's admin."""
        number = next(_PROVIDER_NUMBERS)
        body = {
            "name": name, "organisation": "ҶҶ Кӯмак", "service_types": ["day_care", "home_based"],
            "districts_served": [district], "district_code": district,
            "address": f"кӯчаи Рӯдакӣ {number}", "phone": f"+99290{7000000 + number}",
            "places": places, "min_age": 0, "max_age": 17, "languages": ["tg", "ru"],
            "accredited": True, "active": True, **fields,
        }  # fmt: skip
        return self.call("referral", "POST", "/providers", "admin", json=body, expect=(201,))

    def needs(self, family: Family) -> dict[str, dict]:
        """Wait for the needs the referral service opens from the assessment, by service type."""
        return self.wait(lambda: self._needs_of(family), f"the referral needs of {family.child_id}")

    def _needs_of(self, family: Family) -> dict[str, dict] | None:
        """Return the child's needs, reading the district's list from its newest end."""

        def page(number: int) -> dict:
            params = {"page": number, "page_size": 100}
            return self.manager(family, "referral", "GET", "/needs", params=params)

        first = page(1)
        mine: dict[str, dict] = {}
        for number in range(-(-first["total"] // 100), 0, -1):
            items = first["items"] if number == 1 else page(number)["items"]
            found = {n["service_type"]: n for n in items if n["child_id"] == family.child_id}
            if mine and not found:
                break  # a child's needs open together, so they sit on neighbouring pages
            mine |= found
        return mine or None

    def matches(self, family: Family, service_type: str = "day_care") -> dict:
        """Wait until the referral service knows the child, then return the ranked providers."""
        path = f"/children/{family.child_id}/matches"

        def known() -> dict | None:
            ranked = self.manager(family, "referral", "GET", path, expect=(200, 404),
                                  params={"service_type": service_type})  # fmt: skip
            return ranked if ranked.get("child_id") else None

        return self.wait(known, f"the referral service to know {family.child_id}")

    def refer(self, family: Family, provider_id: str, expect=(201,)) -> dict:
        """Refer the child to a provider for day care, as the district's case manager."""
        self.matches(family)
        body = {"child_id": family.child_id, "provider_id": provider_id, "service_type": "day_care"}
        return self.manager(family, "referral", "POST", "/referrals", json=body, expect=expect)

    def referrals(self, family: Family) -> list[dict]:
        """Return the child's referrals, newest first."""
        params = {"child_id": family.child_id}
        return self.manager(family, "referral", "GET", "/referrals", params=params)["items"]

    def wait_referral(self, family: Family, where: Callable[[dict], bool], message: str) -> dict:
        """Wait for a referral of the child that matches."""
        return self.wait(lambda: next(filter(where, self.referrals(family)), None), message)

    def waitlist(self, family: Family) -> dict:
        """Put the child on the day-care waiting list."""
        body = {"child_id": family.child_id, "service_type": "day_care"}
        return self.manager(family, "referral", "POST", "/waitlist", json=body, expect=(201,))

    def answer(self, referral: dict, action: str, body: dict | None = None, expect=(200,)) -> dict:
        """Accept, decline, start or complete a referral, as the provider's user."""
        path = f"/referrals/{referral['id']}/{action}"
        return self.call("referral", "POST", path, "provider", json=body or {}, expect=expect,
                         provider_id=referral["provider_id"])  # fmt: skip
