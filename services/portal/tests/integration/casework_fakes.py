"""Stand-ins for the four APIs, answering the case pages' requests from canned records."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from services.portal.apis import ApiError, ApiUnavailable

CHILD_ID = "5b0c9a8e-1f0e-4c5e-9d55-0a1b2c3d4e5f"
OTHER_CHILD = "6c1d0b9f-2a1f-4d6f-8e66-1b2c3d4e5f60"
ASSESSMENT_ID = "a5e55e55-0000-4000-8000-000000000001"
PROVIDER_ID = "b0b0b0b0-0000-4000-8000-000000000001"

CHILD = {
    "id": CHILD_ID, "status": "active", "referral_allowed": True,
    "child": {"given_name": "Фарзона", "family_name": "Раҳимова", "sex": "female",
              "date_of_birth": "2023-04-12", "district_code": "rudaki", "jamoat": "Чимтеппа",
              "village": "Гулистон"},
    "guardian": {"name": "Гулнора", "phone": "+992931234567", "language": "tg"},
    "screening": {"concerns": ["walking", "communication"], "urgent": True},
    "registered_by": {"sub": "u1", "role": "phw"},
    "registered_at": "2026-11-25T09:00:00+00:00",
}  # fmt: skip
ASSESSMENT = {
    "id": ASSESSMENT_ID, "child_id": CHILD_ID, "district_code": "rudaki", "status": "pending",
    "overdue": False, "urgent": True, "due_date": "2026-11-28", "instrument": "cfm_2_4",
    "created_at": "2026-11-25T09:00:05+00:00", "updated_at": "2026-11-25T09:00:05+00:00",
    "waiting_since": "2026-11-25T09:00:00+00:00", "scheduled_for": None, "place": None,
    "child": {"given_name": "Фарзона", "family_name": "Раҳимова", "age_years": 3,
              "district_code": "rudaki", "village": "Гулистон"},
    "screening": {"concerns": ["walking"], "urgent": True},
    "answers": None, "result": None,
}  # fmt: skip
RESULT = {
    "instrument": "cfm_2_4", "functional_difficulty": True, "priority": "urgent",
    "domains": {"walking": {"difficulty": True, "question": "CF10", "answer": 3,
                            "label": "a_lot_of_difficulty"},
                "seeing": {"difficulty": False, "question": "CF3", "answer": 1,
                           "label": "no_difficulty"}},
    "priority_rule": {"id": "priority.under_3_with_difficulty", "description": "…"},
    "recommended_service_types": ["home_based", "day_care"],
    "recommendations": [
        {"service_type": "home_based", "id": "service.home_based_first", "description": "…"},
        {"service_type": "day_care", "id": "service.day_care_within_reach", "description": "…"},
    ],
    "rules": [{"id": "priority.under_3_with_difficulty", "description": "…"}],
    "override": None,
}  # fmt: skip
MATCH = {
    "rank": 1, "eligible": True, "free_places": 3, "proximity": "same_district",
    "distance_km": 4.2, "reasons": ["3 of 10 places free"],
    "provider": {"id": PROVIDER_ID, "name": "Маркази рӯзонаи Рӯдакӣ", "places": 10,
                 "accredited": True, "languages": ["tg", "ru"], "address": "Сомониён 5",
                 "district_code": "rudaki"},
}  # fmt: skip

Handler = Callable[..., Any]


class FakeService:
    """One API: routes (method, path) to a handler; records every call."""

    def __init__(self, name: str) -> None:
        self.name, self.routes, self.calls, self.down = name, {}, [], False

    def answer(self, method: str, path: str, handler: Handler | Any) -> None:
        """Answer this request with a handler(body, params) or a fixed body."""
        self.routes[(method, path)] = handler

    def _call(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        self.calls.append((method, path, copy.deepcopy(body), dict(params or {})))
        if self.down:
            raise ApiUnavailable(self.name)
        handler = self.routes.get((method, path))
        if handler is None:
            raise ApiError(404, "not_found", "not found", {}, {}, self.name)
        result = handler(body, params or {}) if callable(handler) else handler
        return copy.deepcopy(result)

    def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> Any:
        return self._call("GET", path, params=params)

    def post(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        return self._call("POST", path, body=json)

    def patch(self, path: str, json: Any = None, headers: dict | None = None) -> Any:
        return self._call("PATCH", path, body=json)

    def posted(self, path: str) -> list[Any]:
        """Bodies sent to this path."""
        return [body for method, p, body, _ in self.calls if p == path and method != "GET"]


class FakeApis:
    """The four services, each a FakeService, with the case pages' usual answers."""

    def __init__(self) -> None:
        self.caller = None
        self.intake = FakeService("intake")
        self.assessment = FakeService("assessment")
        self.referral = FakeService("referral")
        self.notifications = FakeService("notifications")
        self.assessment_record = copy.deepcopy(ASSESSMENT)
        a = f"/assessments/{ASSESSMENT_ID}"
        self.intake.answer("GET", f"/children/{CHILD_ID}", CHILD)
        self.assessment.answer("GET", a, lambda *_: self.assessment_record)
        self.assessment.answer(
            "GET", "/assessments", lambda *_: self._page([self.assessment_record])
        )
        self.referral.answer("GET", "/referrals", self._page([]))
        self.referral.answer("GET", f"/children/{CHILD_ID}/matches",
                             {"items": [MATCH], "total": 1, "can_waitlist": False})  # fmt: skip
        self.notifications.answer("GET", "/notifications", self._page([]))
        self.notifications.answer("GET", "/inbound-messages", self._page([]))

    @staticmethod
    def _page(items: list) -> dict:
        return {"items": items, "total": len(items), "page": 1, "page_size": 100}

    def close(self) -> None:
        """Nothing to close."""
