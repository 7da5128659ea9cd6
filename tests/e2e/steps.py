"""The platform's users, through HTTP only: field workers, case managers, providers, families."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from tests.e2e.client import HTTP_TIMEOUT, Family
from tests.e2e.referral_steps import ReferralSteps
from tests.e2e.samples import registration

__all__ = ["Family", "Users", "VISIT_PLACE", "registration_body"]

# The contract's example assessment (§6): CFM 2-4, "a lot of difficulty" walking.
ANSWERS_2_4 = {"CF1": 2, "CF2": 1, "CF4": 2, "CF6": 1, "CF7": 2, "CF10": 3, "CF11": 1,
               "CF12": 1, "CF13": 1, "CF14": 1, "CF15": 1, "CF16": 2}  # fmt: skip
FAMILY_CONTEXT = {"caregiver_at_home": True, "travel_minutes_to_day_care": 40,
                  "protection_concern": False}  # fmt: skip
VISIT_PLACE = "ташрифи хонагӣ"


def age_three(today: date) -> str:
    """Return a birth date that makes a child two or three years old today (CFM 2-4)."""
    return date(today.year - 3, 1, 15).isoformat()


def registration_body(
    n: int, district: str, given_name: str, language: str = "tg", data_sharing: bool = True
) -> dict[str, Any]:
    """Return a contract registration of a 3-year-old; n varies the guardian's phone."""
    today = datetime.now(UTC).date()
    body = registration(
        n, district_code=district, given_name=given_name, date_of_birth=age_three(today)
    )
    body["guardian"]["language"] = language
    body["consent"]["data_sharing"] = data_sharing
    return body


def tomorrow_at_ten(now: datetime) -> str:
    """Return tomorrow 10:00 in Dushanbe, as the case manager would type it."""
    day = (now + timedelta(days=1)).date()
    return f"{day.isoformat()}T10:00:00+05:00"


class Users(ReferralSteps):
    """Everyone who uses the platform, each call made with that user's own token."""

    def register(self, n: int, district: str, given_name: str, language: str = "tg",
                 data_sharing: bool = True, role: str = "phw") -> Family:  # fmt: skip
        """Register a child, as a field worker of the district."""
        body = registration_body(n, district, given_name, language, data_sharing)
        made = self.call("intake", "POST", "/children", role, districts=[district], json=body,
                         expect=(201,))  # fmt: skip
        return Family(made["id"], district, given_name, made["guardian"]["phone"], language, body)

    def withdraw_consent(self, family: Family) -> dict:
        """Record that the family withdrew its consent, as the field worker."""
        path = f"/children/{family.child_id}/withdraw-consent"
        return self.call("intake", "POST", path, "phw", districts=[family.district], json={})

    def assessment(self, family: Family) -> dict:
        """Wait for the child on the case manager's worklist and return the assessment."""

        def listed() -> dict | None:
            params = {"child_id": family.child_id}
            page = self.manager(family, "assessment", "GET", "/assessments", params=params)
            return page["items"][0] if page["items"] else None

        return self.wait(listed, f"the assessment of {family.child_id}")

    def schedule(self, family: Family, assessment_id: str) -> dict:
        """Schedule the visit for tomorrow at ten."""
        body = {"scheduled_for": tomorrow_at_ten(datetime.now(UTC)), "place": VISIT_PLACE}
        path = f"/assessments/{assessment_id}/schedule"
        return self.manager(family, "assessment", "POST", path, json=body)

    def complete(self, family: Family, assessment_id: str) -> dict:
        """Record the contract's example assessment and return the service's result."""
        body = {"answers": ANSWERS_2_4, "family_context": FAMILY_CONTEXT, "notes": ""}
        path = f"/assessments/{assessment_id}/complete"
        done = self.manager(family, "assessment", "POST", path, json=body)
        return done.get("result") or done

    def assessed(self, n: int, district: str, given_name: str, **registration: Any) -> Family:
        """Register a child, schedule the visit, assess, and wait for the referral needs."""
        family = self.register(n, district, given_name, **registration)
        assessment = self.assessment(family)
        self.schedule(family, assessment["id"])
        self.complete(family, assessment["id"])
        self.needs(family)
        return family

    def notifications(self, family: Family) -> list[dict]:
        """Return the child's SMS records, as the district's case manager sees them."""
        params = {"child_id": family.child_id, "page_size": 100}
        page = self.manager(family, "notifications", "GET", "/notifications", params=params)
        return page["items"]

    def sms_arrived(self, phone: str, *fragments: str) -> str:
        """Wait until the gateway took an SMS for the phone containing every fragment."""

        def arrived() -> str | None:
            texts = self.chain.sms_to(phone)
            return next((t for t in texts if all(f in t for f in fragments)), None)

        return self.wait(arrived, f"an SMS to {phone} with {fragments}")

    def reply(self, phone: str, text: str) -> requests.Response:
        """Send a family's SMS reply the way the gateway's callback does."""
        secret = self.platform.settings["SMS_RECEIPT_SECRET"]
        body = {"from": phone, "text": text, "received_at": datetime.now(UTC).isoformat()}
        url = self.platform.url("notifications", "/inbound-sms")
        headers = {"X-Gateway-Secret": secret}
        return requests.post(url, json=body, headers=headers, timeout=HTTP_TIMEOUT)
