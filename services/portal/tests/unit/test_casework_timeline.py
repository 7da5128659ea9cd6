"""The child's page: steps from every service merged into one story."""

from __future__ import annotations

from datetime import UTC, datetime

from services.portal.domain.casework import arrange_worklist, match_reasons
from services.portal.domain.timeline import build_timeline, unanswered_replies

CHILD = {
    "id": "c1",
    "registered_at": "2026-11-25T09:00:00+00:00",
    "registered_by": {"sub": "u1", "role": "phw"},
    "screening": {"concerns": ["walking"], "urgent": True},
}
DONE = {
    "id": "a1", "status": "completed", "scheduled_for": "2026-11-27T10:00:00+05:00",
    "completed_at": "2026-11-27T06:00:00+00:00", "priority": "urgent",
}  # fmt: skip
REFERRAL = {
    "id": "r1", "status": "declined", "sent_at": "2026-11-28T08:00:00+00:00",
    "answered_at": "2026-11-29T08:00:00+00:00", "decline_reason": "no_capacity",
}  # fmt: skip
SMS = {"id": "n1", "status": "delivered", "created_at": "2026-11-25T09:01:00+00:00",
       "sent_at": "2026-11-25T09:02:00+00:00"}  # fmt: skip
REPLY = {"id": "m1", "child_id": "c1", "action": "recorded", "text": "Раҳмат",
         "received_at": "2026-11-26T12:00:00+00:00"}  # fmt: skip


def test_every_service_adds_its_steps_in_time_order():
    entries = build_timeline(CHILD, [DONE], [REFERRAL], [SMS], [REPLY])
    assert [e.kind for e in entries] == [
        "registered", "screening", "sms", "reply", "assessment_scheduled",
        "assessment_completed", "referral_sent", "referral_declined",
    ]  # fmt: skip
    assert entries[1].data["urgent"] is True


def test_a_service_that_did_not_answer_leaves_the_others_standing():
    entries = build_timeline(None, None, [REFERRAL], None, None)
    assert {e.source for e in entries} == {"referral"}


def test_a_waiting_assessment_shows_as_due_and_a_step_without_time_goes_last():
    pending = {"id": "a2", "status": "pending", "created_at": "2026-11-25T09:00:00+00:00"}
    sms = {"id": "n2", "status": "pending"}
    entries = build_timeline(CHILD, [pending], [], [sms], [])
    assert [e.kind for e in entries][-2:] == ["assessment_due", "sms"]
    assert entries[-1].at is None


def test_a_referral_accepted_then_started_shows_each_step():
    referral = {"sent_at": "2026-11-28T08:00:00Z", "accepted_at": "2026-11-29T08:00:00Z",
                "started_at": "2026-12-02T08:00:00Z", "status": "in_progress"}  # fmt: skip
    kinds = [e.kind for e in build_timeline(referrals=[referral])]
    assert kinds == ["referral_sent", "referral_accepted", "referral_started"]


def test_unanswered_replies_count_only_kept_replies_after_the_last_step():
    replies = [
        REPLY,
        {**REPLY, "id": "m2", "received_at": "2026-11-20T12:00:00+00:00"},
        {**REPLY, "id": "m3", "action": "opted_out"},
        {**REPLY, "id": "m4", "child_id": "c2"},
    ]
    since = {"c1": datetime(2026, 11, 25, tzinfo=UTC)}
    assert unanswered_replies(replies, since) == {"c1": 1, "c2": 1}


def test_worklist_puts_overdue_then_urgent_first_and_filters_by_district():
    items = [
        {"id": "routine", "due_date": "2026-12-01", "district_code": "rudaki"},
        {"id": "urgent", "urgent": True, "due_date": "2026-12-05", "district_code": "rudaki"},
        {"id": "overdue", "overdue": True, "due_date": "2026-11-20", "district_code": "vahdat"},
    ]
    assert [i["id"] for i in arrange_worklist(items)] == ["overdue", "urgent", "routine"]
    assert [i["id"] for i in arrange_worklist(items, "rudaki")] == ["urgent", "routine"]


def test_match_reasons_come_from_the_match_facts():
    match = {"free_places": 0, "proximity": "same_district", "distance_km": 0.4,
             "provider": {"places": 10, "accredited": True, "languages": ["tg"],
                          "district_code": "rudaki"}}  # fmt: skip
    reasons = dict(match_reasons(match, "ru"))
    assert reasons["full"] == {"free": 0, "places": 10}
    assert {"proximity_same_district", "accredited", "near", "does_not_speak"} <= set(reasons)


def test_a_provider_without_a_recorded_place_is_not_called_far_away():
    match = {"free_places": 2, "proximity": "elsewhere", "provider": {"places": 5}}
    assert ("proximity_unknown", {}) in match_reasons(match)
