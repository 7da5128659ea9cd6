"""The portal's pure rules: dates, lockout, passwords, the chain stage, the registration body."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from werkzeug.datastructures import MultiDict

from services.portal.domain import lockout
from services.portal.domain.chain import standing
from services.portal.domain.dates import parse_date, show_date
from services.portal.domain.passwords import password_problem, temporary_password
from services.portal.domain.registration import BAD_DATE, NOT_YOURS, build_body

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_dates_are_read_as_people_write_them_and_shown_dd_mm_yyyy():
    assert parse_date("12.04.2023") == parse_date("2023-04-12") == date(2023, 4, 12)
    assert parse_date("1/4/2023") == date(2023, 4, 1)
    assert parse_date("31.02.2023") is None and parse_date("tomorrow") is None
    assert show_date("2023-04-12") == "12.04.2023"
    assert show_date(datetime(2026, 12, 4, 20, 0, tzinfo=UTC)) == "05.12.2026"  # Dushanbe time


def test_failures_slow_down_then_lock_for_a_while():
    state = lockout.AttemptState()
    delays = []
    for minute in range(lockout.LOCK_AFTER):
        state = lockout.after_failure(state, NOW + timedelta(minutes=minute))
        delays.append(lockout.delay_seconds(state))
    assert delays[0] == 0 and delays[-1] > delays[lockout.SLOW_AFTER - 1] > 0
    assert lockout.is_locked(state, NOW + timedelta(minutes=5))
    assert not lockout.is_locked(state, NOW + timedelta(minutes=5) + lockout.LOCK_FOR)


def test_weak_passwords_are_refused_and_temporary_ones_are_not_weak():
    assert password_problem("short") and password_problem("aaaaaaaaaaaa")
    assert password_problem("malika-secret-1", "malika")
    assert password_problem(temporary_password(), "malika") is None


def test_the_chain_stage_is_the_furthest_step_any_service_reports():
    assert standing([], []).stage == "registered"
    scheduled = [{"status": "scheduled", "scheduled_for": "2026-12-01T10:00:00+05:00"}]
    assert standing(scheduled, []).stage == "assessment_scheduled"
    done = [{"status": "completed", "completed_at": "2026-12-02T10:00:00+05:00",
             "result": {"functional_difficulty": False}}]  # fmt: skip
    assert standing(done, []).next_step == "next_none"
    referrals = [
        {"status": "declined", "updated_at": "1"},
        {"status": "accepted", "updated_at": "2"},
    ]
    assert standing(done, referrals).stage == "accepted"
    assert standing(done, [{"status": "declined"}], waiting=True).stage == "waiting"


def test_the_registration_body_follows_the_api_and_flags_what_cannot_be_sent():
    form = MultiDict([
        ("child.given_name", "Фарзона"), ("child.family_name", "Раҳимова"),
        ("child.sex", "female"), ("child.date_of_birth", "12.04.2023"),
        ("child.district_code", "rudaki"), ("guardian.name", "Гулнора"),
        ("guardian.phone", "93 123 4567"), ("consent.data_sharing", "false"),
        ("screening.concerns", "walking"), ("screening.concerns", "not-a-domain"),
    ])  # fmt: skip
    body, problems = build_body(form, ["rudaki"])
    assert problems == {}
    assert body["child"]["date_of_birth"] == "2023-04-12" and body["child"]["jamoat"] is None
    assert body["consent"]["data_sharing"] is False and body["screening"]["concerns"] == ["walking"]
    form["child.date_of_birth"], form["child.district_code"] = "40.01.2023", "vahdat"
    _, problems = build_body(form, ["rudaki"])
    assert problems == {"child.date_of_birth": BAD_DATE, "child.district_code": NOT_YOURS}
