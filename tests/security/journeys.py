"""Seed the platform through its own APIs: six children, three providers, whole journeys.

In scope of the rudaki tokens: A (referral accepted by P), B (declined by P2 with a note, then
sent to P and left unanswered), M (sent to P; the authorization matrix may change it) and W
(registered only; the matrix withdraws its consent), K (accepted and started by P, with a care
plan reviewed once). Out of scope: C in vahdat, accepted and started by Q, with a care plan.
In quality: a day-care standard, an inspection with a required action and a contract for each
of P (rudaki) and Q (vahdat). Every step goes through HTTP with the role the contract names;
the workers carry the events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.localtime import local_day
from shared.testing import wait_for
from tests.security.people import (
    AWAY,
    CLOSE_NOTE,
    DECLINE_NOTE,
    EVIDENCE_NOTE,
    HOME,
    PEOPLE,
    Person,
    World,
    care_plan_body,
    complete_body,
    contract_body,
    inspection_body,
    provider_body,
    registration,
    review_body,
    revised_plan_body,
    schedule_body,
    standard_body,
)
from tests.security.stack import Stack


def expect(response: Any, statuses: tuple[int, ...], what: str) -> Any:
    """The response's JSON when its status is expected; else stop seeding with the details."""
    if response.status_code not in statuses:
        body = response.get_data(as_text=True)[:800]
        raise AssertionError(f"seeding: {what} answered {response.status_code}: {body}")
    return response.get_json(silent=True)


class Journeys:
    """Drives the seeded children through the chain."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.world = World({p.key: Person(**p.__dict__) for p in PEOPLE})
        self.now = datetime.now(UTC)
        # The services judge dates by the calendar in Dushanbe, which runs five hours ahead.
        self.today = local_day(self.now)

    def staff(self, role: str, district: str = HOME) -> dict[str, str]:
        """A staff token for a district."""
        return self.stack.tokens.header(role, (district,))

    def run(self) -> World:
        """Seed everything; the world it returns names every record made."""
        self.add_providers()
        for person in self.world.people.values():
            self.register(person)
        for person in self.world.people.values():
            self.find_assessment(person)
        for key in "ABCMK":
            self.assess(self.world[key])
        self.refer(self.world["A"], "P")
        self.refer(self.world["C"], "Q")
        self.refer(self.world["M"], "P")
        self.refer(self.world["K"], "P")
        self.refer(self.world["B"], "P2")
        self.answer(self.world["B"], "P2", "decline", {"reason": "other", "note": DECLINE_NOTE})
        self.refer(self.world["B"], "P")
        self.answer(self.world["A"], "P", "accept", {"start_date": self.start_date()})
        today = {"start_date": self.today.isoformat()}
        self.answer(self.world["C"], "Q", "accept", today)
        self.answer(self.world["K"], "P", "accept", today)
        for key, provider in (("K", "P"), ("C", "Q")):
            self.answer(self.world[key], provider, "start", {})
            self.plan(self.world[key], provider)
        self.revise_and_close(self.world["C"], "Q")
        self.correct_village(self.world["A"])
        self.inspect_and_contract()
        for person in self.world.people.values():
            self.find_notifications(person, wait_for_accepted=person.key in "AC")
        return self.world

    def start_date(self) -> str:
        """A start date two weeks ahead."""
        return (self.today + timedelta(days=14)).isoformat()

    def add_providers(self) -> None:
        """Create P and P2 serving rudaki and Q serving vahdat, as an admin."""
        admin = self.stack.tokens.header("admin")
        for key, district, phone in (
            ("P", HOME, "+992 37 222 3344"), ("P2", HOME, "+992 37 222 3355"),
            ("Q", AWAY, "+992 37 222 3366"),
        ):  # fmt: skip
            body = provider_body(f"Маркази рӯзона {key}", district, phone)
            made = expect(
                self.stack.call("referral", "POST", "/providers", json=body, headers=admin),
                (201,), f"POST /providers {key}",
            )  # fmt: skip
            self.world.providers[key] = made["id"]

    def register(self, person: Person) -> None:
        """Register a child as the person's registering worker."""
        body = registration(person, self.today)
        headers = self.staff(person.registered_by, person.district)
        made = expect(
            self.stack.call("intake", "POST", "/children", json=body, headers=headers),
            (201,), f"POST /children {person.key}",
        )  # fmt: skip
        person.child_id = made["id"]

    def find_assessment(self, person: Person) -> None:
        """Wait for the pending assessment the registration opens."""
        headers = self.staff("case_manager", person.district)
        path = f"/assessments?child_id={person.child_id}"

        def found() -> str | None:
            page = self.stack.call("assessment", "GET", path, headers=headers).get_json() or {}
            items = page.get("items") or []
            return items[0]["id"] if items else None

        person.assessment_id = wait_for(found, 30, message=f"{person.key}'s assessment")

    def assess(self, person: Person) -> None:
        """Schedule and complete the assessment as the district's case manager."""
        headers = self.staff("case_manager", person.district)
        base = f"/assessments/{person.assessment_id}"
        expect(
            self.stack.call("assessment", "POST", f"{base}/schedule",
                            json=schedule_body(self.now), headers=headers),
            (200, 201), f"schedule {person.key}",
        )  # fmt: skip
        expect(
            self.stack.call("assessment", "POST", f"{base}/complete",
                            json=complete_body(), headers=headers),
            (200, 201), f"complete {person.key}",
        )  # fmt: skip

    def refer(self, person: Person, provider: str) -> None:
        """Refer the child to a provider once the referral service knows the child."""
        headers = self.staff("case_manager", person.district)
        body = {"child_id": person.child_id, "provider_id": self.world.providers[provider],
                "service_type": "day_care"}  # fmt: skip

        last: list[str] = []

        def referred() -> dict | None:
            response = self.stack.call("referral", "POST", "/referrals", json=body, headers=headers)
            # Until the referral service has handled the child's events it may not know the child.
            last[:] = [f"{response.status_code} {response.get_data(as_text=True)[:400]}"]
            return response.get_json() if response.status_code == 201 else None

        try:
            made = wait_for(referred, 30, interval=0.3, message=f"referral of {person.key}")
        except AssertionError as exc:
            raise AssertionError(f"seeding: POST /referrals for {person.key}: {last}") from exc
        person.referral_ids.append(made["id"])

    def answer(self, person: Person, provider: str, action: str, body: dict) -> None:
        """Accept, decline or start the latest referral as the provider's user."""
        headers = self.stack.tokens.header("provider", provider_id=self.world.providers[provider])
        path = f"/referrals/{person.referral_ids[-1]}/{action}"

        def answered() -> Any:
            # The stack's own workers touch the same rows; a transaction that lost to them
            # answers 503 "try again shortly", and a provider's phone would try again.
            response = self.stack.call("referral", "POST", path, json=body, headers=headers)
            return response if response.status_code != 503 else None

        expect(wait_for(answered, timeout=10, interval=0.2, message=f"{action} answered"),
               (200, 201), f"{action} {person.key}")  # fmt: skip

    def plan(self, person: Person, provider: str) -> None:
        """Start the child's care plan and review it once, as the provider's user."""
        headers = self.stack.tokens.header("provider", provider_id=self.world.providers[provider])
        base = f"/referrals/{person.referral_ids[-1]}/care-plan"
        later = (self.today + timedelta(days=90)).isoformat()
        expect(
            self.stack.call("referral", "POST", base, json=care_plan_body(later), headers=headers),
            (201,), f"care plan of {person.key}",
        )  # fmt: skip
        body = review_body(self.today.isoformat(), later)
        expect(
            self.stack.call("referral", "POST", f"{base}/reviews", json=body, headers=headers),
            (201,), f"review of {person.key}'s care plan",
        )  # fmt: skip

    def revise_and_close(self, person: Person, provider: str) -> None:
        """Revise the child's plan (a goal rewritten, the review moved) and close it with a note,
        as the provider's user; C's at Q, so the plan the matrix uses in scope stays open."""
        headers = self.stack.tokens.header("provider", provider_id=self.world.providers[provider])
        base = f"/referrals/{person.referral_ids[-1]}/care-plan"
        moved = (self.today + timedelta(days=60)).isoformat()
        expect(
            self.stack.call("referral", "PUT", base, json=revised_plan_body(moved, 1),
                            headers=headers),
            (200,), f"revision of {person.key}'s care plan",
        )  # fmt: skip
        body = {"outcome": "moved_away", "note": CLOSE_NOTE}
        expect(
            self.stack.call("referral", "POST", f"{base}/close", json=body, headers=headers),
            (200,), f"closing {person.key}'s care plan",
        )  # fmt: skip

    def inspect_and_contract(self) -> None:
        """A standard in force since last year; P and Q inspected, each with a contract."""
        admin = self.stack.tokens.header("admin")
        inspector = self.stack.tokens.header("inspector", (HOME, AWAY))
        today = self.today
        since = (today - timedelta(days=365)).isoformat()
        made = expect(
            self.stack.call("quality", "POST", "/standards", json=standard_body(since),
                            headers=admin),
            (201,), "POST /standards",
        )  # fmt: skip
        self.world.quality["standard"] = made["id"]
        due = (today + timedelta(days=30)).isoformat()
        end = (today + timedelta(days=365)).isoformat()
        for key, district in (("P", HOME), ("Q", AWAY)):
            provider = self.world.providers[key]
            body = inspection_body(provider, today.isoformat(), due, EVIDENCE_NOTE)
            inspection = expect(
                self.stack.call("quality", "POST", "/inspections", json=body, headers=inspector),
                (201,), f"inspection of {key}",
            )  # fmt: skip
            body = contract_body(provider, district, today.isoformat(), end, 20)
            contract = expect(
                self.stack.call("quality", "POST", "/contracts", json=body, headers=admin),
                (201,), f"contract of {key}",
            )  # fmt: skip
            self.world.quality[key] = {
                "inspection": inspection["id"],
                "action": inspection["required_actions"][0]["id"],
                "contract": contract["id"],
            }

    def correct_village(self, person: Person) -> None:
        """Correct the village, so a child.updated travels too."""
        headers = self.staff("phw", person.district)
        body = {"child": {"village": "Чорбоғи Боло"}}
        path = f"/children/{person.child_id}"
        expect(
            self.stack.call("intake", "PATCH", path, json=body, headers=headers),
            (200,), f"PATCH child {person.key}",
        )  # fmt: skip

    def find_notifications(self, person: Person, wait_for_accepted: bool) -> None:
        """Wait for the child's SMS records and keep their ids."""
        headers = self.staff("case_manager", person.district)
        path = f"/notifications?child_id={person.child_id}&page_size=100"

        def listed() -> list | None:
            items = (self.stack.call("notifications", "GET", path, headers=headers).get_json()
                     or {}).get("items") or []  # fmt: skip
            types = {n.get("event_type") for n in items}
            ready = "referral.accepted" in types if wait_for_accepted else bool(items)
            return items if ready else None

        items = wait_for(listed, 30, interval=0.2, message=f"{person.key}'s notifications")
        person.notification_ids = [n["id"] for n in items]
