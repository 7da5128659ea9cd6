"""Seed the platform through its own APIs: five children, three providers, whole journeys.

In scope of the rudaki tokens: A (referral accepted by P), B (declined by P2 with a note, then
sent to P and left unanswered), M (sent to P; the authorization matrix may change it) and W
(registered only; the matrix withdraws its consent). Out of scope: C in vahdat, accepted by Q.
Every step goes through HTTP with the role the contract names; the workers carry the events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.testing import wait_for
from tests.security.people import (
    AWAY,
    DECLINE_NOTE,
    HOME,
    PEOPLE,
    Person,
    World,
    complete_body,
    provider_body,
    registration,
    schedule_body,
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
        for key in "ABCM":
            self.assess(self.world[key])
        self.refer(self.world["A"], "P")
        self.refer(self.world["C"], "Q")
        self.refer(self.world["M"], "P")
        self.refer(self.world["B"], "P2")
        self.answer(self.world["B"], "P2", "decline", {"reason": "other", "note": DECLINE_NOTE})
        self.refer(self.world["B"], "P")
        self.answer(self.world["A"], "P", "accept", {"start_date": self.start_date()})
        self.answer(self.world["C"], "Q", "accept", {"start_date": self.start_date()})
        self.correct_village(self.world["A"])
        for person in self.world.people.values():
            self.find_notifications(person, wait_for_accepted=person.key in "AC")
        return self.world

    def start_date(self) -> str:
        """A start date two weeks ahead."""
        return (self.now.date() + timedelta(days=14)).isoformat()

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
        body = registration(person, self.now.date())
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
        """Accept or decline the latest referral as the provider's user."""
        headers = self.stack.tokens.header("provider", provider_id=self.world.providers[provider])
        path = f"/referrals/{person.referral_ids[-1]}/{action}"

        def answered() -> Any:
            # The stack's own workers touch the same rows; a transaction that lost to them
            # answers 503 "try again shortly", and a provider's phone would try again.
            response = self.stack.call("referral", "POST", path, json=body, headers=headers)
            return response if response.status_code != 503 else None

        expect(wait_for(answered, timeout=10, interval=0.2, message=f"{action} answered"),
               (200, 201), f"{action} {person.key}")  # fmt: skip

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
