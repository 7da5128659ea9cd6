"""The provider's inbox, a referral's actions and its free places, against fake APIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.portal.domain.inbox import group, time_left
from services.portal.tests.fakes import api_error
from services.portal.web.casework_common import REFERRAL_STATUS
from shared.vocabulary import REFERRAL_STATUSES

RID = "11111111-1111-4111-8111-111111111111"
SOON = (datetime.now(UTC) + timedelta(hours=5, minutes=30)).isoformat()
NEW = {
    "id": RID, "status": "sent", "service_type": "day_care", "respond_by": SOON,
    "sent_at": "2026-12-01T08:00:00+00:00", "provider_name": "Марказ",
    "child": {"given_name": None, "family_name": None, "age_years": 3,
              "district_code": "rudaki", "language": "tg"},
    "guardian": None, "allowed_actions": ["accept", "decline"],
}  # fmt: skip


def test_every_referral_status_has_a_name_on_the_pages():
    assert set(REFERRAL_STATUS) == set(REFERRAL_STATUSES)


def test_time_left_counts_down_and_turns_overdue():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    left = time_left("2026-12-01T15:30:00+05:00", now)
    assert (left.hours, left.minutes, left.overdue) == (0, 30, False)
    assert time_left("2026-12-01T09:00:00Z", now).overdue is True


def test_group_puts_the_nearest_deadline_first():
    later = {**NEW, "id": "b", "respond_by": "2026-12-09T00:00:00+00:00"}
    sooner = {**NEW, "id": "a", "respond_by": "2026-12-02T00:00:00+00:00"}
    groups = group([later, sooner, {**NEW, "id": "c", "status": "in_progress"}])
    assert [r["id"] for r in groups["new"]] == ["a", "b"]
    assert [r["id"] for r in groups["in_progress"]] == ["c"]


def test_inbox_shows_new_referrals_with_the_time_left(client, login, fake_apis):
    fake_apis.referral.answer("GET", "/referrals", {"items": [NEW], "total": 1})
    login(client, "provider")
    page = client.get("/referrals?lang=ru")
    assert page.status_code == 200
    assert "Ответить в течение 5 ч" in page.text
    assert f'data-referral="{RID}"' in page.text


def test_accept_sends_the_start_date_as_iso(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", NEW)
    fake_apis.referral.answer("POST", f"/referrals/{RID}/accept", {**NEW, "status": "accepted"})
    token = login(client, "provider")
    answer = client.post(f"/referrals/{RID}/accept",
                         data={"start_date": "15.12.2026", "csrf_token": token})  # fmt: skip
    assert answer.status_code == 303
    assert fake_apis.referral.calls[-1].json == {"start_date": "2026-12-15"}


def test_decline_without_a_reason_is_refused_and_sends_nothing(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", NEW)
    token = login(client, "provider")
    answer = client.post(f"/referrals/{RID}/decline", data={"note": "x", "csrf_token": token})
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text
    assert all(c.method == "GET" for c in fake_apis.referral.calls)


def test_only_the_offered_actions_are_shown(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", NEW)
    login(client, "provider")
    page = client.get(f"/referrals/{RID}").text
    assert 'id="accept-form"' in page and 'id="decline-form"' in page
    assert 'id="complete-form"' not in page and 'id="family-contact"' not in page


def test_another_providers_referral_is_not_found(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", api_error(404, "not_found"))
    login(client, "provider")
    assert client.get(f"/referrals/{RID}").status_code == 404


def test_a_full_provider_is_told_why_accepting_failed(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", NEW)
    fake_apis.referral.answer("POST", f"/referrals/{RID}/accept", api_error(409, "no_free_place"))
    token = login(client, "provider")
    answer = client.post(f"/referrals/{RID}/accept?lang=en",
                         data={"start_date": "2026-12-15", "csrf_token": token})  # fmt: skip
    assert answer.status_code == 409
    assert "no free place left" in answer.text


def test_other_roles_may_not_open_the_inbox(client, login):
    login(client, "phw")
    assert client.get("/referrals").status_code == 403


def test_a_long_wait_reads_as_days_and_hours(client, login, fake_apis):
    later = (datetime.now(UTC) + timedelta(days=3, hours=2, minutes=30)).isoformat()
    fake_apis.referral.answer("GET", "/referrals", {"items": [{**NEW, "respond_by": later}]})
    login(client, "provider")
    assert "То 3 рӯзу 2 соат ҷавоб диҳед" in client.get("/referrals?lang=tg").text


def test_a_case_manager_may_only_cancel_with_a_coded_reason(client, login, fake_apis):
    mine = {**NEW, "allowed_actions": ["cancel"]}
    fake_apis.referral.answer("GET", f"/referrals/{RID}", mine)
    fake_apis.referral.answer("POST", f"/referrals/{RID}/cancel", {**mine, "status": "cancelled"})
    token = login(client, "case_manager")
    page = client.get(f"/referrals/{RID}").text
    assert 'id="cancel-form"' in page and 'id="accept-form"' not in page
    answer = client.post(f"/referrals/{RID}/cancel",
                         data={"reason": "family_request", "csrf_token": token})  # fmt: skip
    assert answer.status_code == 303
    assert fake_apis.referral.calls[-1].json == {"reason": "family_request"}
