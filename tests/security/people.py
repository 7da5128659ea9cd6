"""The people, providers and request bodies the security tests seed and send (contract §6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

HOME, AWAY = "rudaki", "vahdat"
SCREENING_NOTE = "screening-note-marker-4e1d: mother worried about the father"
ASSESSMENT_NOTE = "assessment-note-marker-9b2a: household conflict observed"
DECLINE_NOTE = "decline-note-marker-77c0: centre manager on leave"
# Sent by the authorization matrix when it overrides M's recommendation.
OVERRIDE_NOTE = "override-note-marker-31f5: grandmother cannot travel"
# What a provider writes in K's care plan: the goal, an activity and a review's progress note.
GOAL_NOTE = "goal-note-marker-5a90: walks to the well with her brother"
ACTIVITY_NOTE = "activity-note-marker-c2e4: uncle carries her to the centre"
PROGRESS_NOTE = "progress-note-marker-0d6b: cried when father left"
# What Q's provider writes when it revises C's plan and closes it: it stays on the plan.
REVISED_GOAL_NOTE = "revised-goal-marker-8f3c: climbs the stairs to her aunt's flat"
CLOSE_NOTE = "close-note-marker-6b1e: family moved in with the grandmother in Khujand"
NOTES = (SCREENING_NOTE, ASSESSMENT_NOTE, DECLINE_NOTE, OVERRIDE_NOTE, GOAL_NOTE, ACTIVITY_NOTE,
         PROGRESS_NOTE, REVISED_GOAL_NOTE, CLOSE_NOTE)  # fmt: skip
# An inspector's evidence may name a child whose file was read; it stays in the inspection.
EVIDENCE_NOTE = "evidence-note-marker-e81f: read the file of Меҳрона Қурбонова"
# CFM 2-4 answers as domain.md codes them: no glasses, no hearing aid, no walking equipment,
# "a lot of difficulty" walking compared with other children → a functional difficulty.
ANSWERS_2_4 = {"CF1": 2, "CF3": 1, "CF4": 2, "CF6": 1, "CF7": 2, "CF10": 3, "CF11": 1,
               "CF12": 1, "CF13": 1, "CF14": 1, "CF15": 1, "CF16": 2}  # fmt: skip


@dataclass
class Person:
    """A registered child with the guardian's details and the records made for the child."""

    key: str
    district: str
    given_name: str
    family_name: str
    guardian_name: str
    phone_written: str
    phone: str
    registered_by: str
    child_id: str = ""
    assessment_id: str = ""
    referral_ids: list[str] = field(default_factory=list)
    notification_ids: list[str] = field(default_factory=list)

    @property
    def national(self) -> str:
        return self.phone.removeprefix("+992")


@dataclass
class World:
    """What the journeys left behind, by key."""

    people: dict[str, Person]
    providers: dict[str, str] = field(default_factory=dict)
    # Quality's records: "standard" → id; per provider key: inspection, action and contract ids.
    quality: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Person:
        return self.people[key]


# key, district, given name, family name, guardian, phone as written, as stored, registered by
PEOPLE = tuple(
    Person(*row)
    for row in (
        ("A", HOME, "Меҳрона", "Қурбонова", "Зулфия Қурбонова", "93 501 2345", "+992935012345",
         "phw"),
        ("B", HOME, "Сомона", "Ҷӯраева", "Нилуфар Ҷӯраева", "+992 93 502 23 45", "+992935022345",
         "sah_worker"),
        ("C", AWAY, "Фирӯза", "Шарифзода", "Мунира Шарифзода", "00992935032345", "+992935032345",
         "phw"),
        ("M", HOME, "Дилрабо", "Ҳакимова", "Саодат Ҳакимова", "935042345", "+992935042345",
         "case_manager"),
        ("W", HOME, "Ситора", "Раҷабова", "Гулчеҳра Раҷабова", "93 505 2345", "+992935052345",
         "phw"),
        ("K", HOME, "Паризод", "Назарова", "Шаҳло Назарова", "93 506 2345", "+992935062345",
         "sah_worker"),
    )
)  # fmt: skip


def dob_for_cfm_2_4(today: date) -> date:
    """A date of birth that makes the child 2-4 years old today."""
    return date(today.year - 3, 1, 15)


def registration(person: Person, today: date) -> dict[str, Any]:
    """The registration body of contract §6 for a person."""
    return {
        "child": {
            "given_name": person.given_name, "family_name": person.family_name,
            "patronymic": None, "sex": "female",
            "date_of_birth": dob_for_cfm_2_4(today).isoformat(),
            "district_code": person.district, "jamoat": "Чимтеппа", "village": "Чорбоғ",
        },
        "guardian": {
            "name": person.guardian_name, "relationship": "mother",
            "phone": person.phone_written, "language": "tg", "sms_consent": True,
        },
        "consent": {"data_sharing": True, "given_by": "mother"},
        "screening": {"concerns": ["walking"], "urgent": False, "note": SCREENING_NOTE,
                      "source": "phw"},
        "confirmed_new": True,
    }  # fmt: skip


def provider_body(name: str, district: str, phone: str, places: int = 20) -> dict[str, Any]:
    """A provider as contract §6 describes one."""
    return {
        "name": name, "organisation": "NGO Security Test",
        "service_types": ["day_care", "home_based"],
        "districts_served": [district], "address": "кӯчаи Рӯдакӣ 12", "phone": phone,
        "places": places, "min_age": 0, "max_age": 17, "languages": ["tg", "ru"],
        "accredited": True, "active": True, "latitude": 38.5, "longitude": 68.8,
    }  # fmt: skip


def schedule_body(now: datetime) -> dict[str, str]:
    """A visit two days ahead at 10:00 Dushanbe time."""
    day = (now + timedelta(days=2)).date()
    return {"scheduled_for": f"{day.isoformat()}T10:00:00+05:00", "place": "home visit"}


def complete_body() -> dict[str, Any]:
    """A completed CFM 2-4 assessment with a free-text note that must stay in the service."""
    return {
        "answers": ANSWERS_2_4,
        "family_context": {"caregiver_at_home": True, "travel_minutes_to_day_care": 40,
                           "protection_concern": False},
        "notes": ASSESSMENT_NOTE,
    }  # fmt: skip


QUALITY_CRITERIA = [
    {"code": "DC1", "text": "Individual plan within 30 days", "indicators": ["Signed plans"]},
    {"code": "DC2", "text": "Staff trained in early intervention", "indicators": ["Records"]},
]


def standard_body(effective_from: str) -> dict[str, Any]:
    """A version of the day-care standard."""
    return {"service_type": "day_care", "title": "Day care", "effective_from": effective_from,
            "criteria": QUALITY_CRITERIA}  # fmt: skip


def inspection_body(provider_id: str, on: str, due: str, evidence: str = "") -> dict[str, Any]:
    """A compliant day-care inspection with one required action."""
    findings = [{"criterion": c["code"], "rating": "met", "evidence": evidence or "plans seen"}
                for c in QUALITY_CRITERIA]  # fmt: skip
    return {
        "provider_id": provider_id, "service_type": "day_care", "inspected_on": on,
        "findings": findings,
        "required_actions": [{"criterion": "DC2", "description": "Train the new assistant",
                              "due_date": due}],
    }  # fmt: skip


def contract_body(provider_id: str, district: str, start: str, end: str, places: int) -> dict:
    """A district's contract for day-care places at a provider."""
    return {
        "reference": f"SEC-{district}-{places}", "commissioner": district,
        "provider_id": provider_id, "service_type": "day_care", "places": places,
        "price_per_place_month": "850.00", "start_date": start, "end_date": end,
        "districts": [district],
    }  # fmt: skip


def care_plan_body(next_review: str) -> dict[str, Any]:
    """One walking goal with an activity, the words a provider writes in them."""
    return {
        "goals": [{"domain": "walking", "goal": GOAL_NOTE,
                   "activities": [{"activity": ACTIVITY_NOTE, "by": "family"}]}],
        "next_review_date": next_review,
    }  # fmt: skip


def revised_plan_body(next_review: str, revision: int) -> dict[str, Any]:
    """The plan again with the walking goal rewritten, replacing the given revision."""
    body = care_plan_body(next_review)
    body["goals"][0]["goal"] = REVISED_GOAL_NOTE
    return {**body, "revision": revision}


def review_body(today: str, next_review: str, note: str = PROGRESS_NOTE) -> dict[str, Any]:
    """A review of the one goal, with a progress note."""
    return {"reviewed_on": today, "next_review_date": next_review,
            "progress": [{"goal": 0, "progress": "progressing", "note": note}]}  # fmt: skip
