from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.domain.retry import (
    ACCEPTED,
    FAIL,
    MARK_DELIVERED,
    MARK_SENT,
    PERMANENT,
    QUERY_ACCEPTED,
    QUERY_DELIVERED,
    QUERY_FAILED,
    QUERY_NOT_FOUND,
    QUERY_UNKNOWN,
    RESOLVE,
    RETRY,
    TRANSIENT,
    UNKNOWN,
    RetryPolicy,
    classify_status_code,
    decide,
    decide_after_query,
)

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, base_seconds=10, cap_seconds=60)


def always(value):
    return lambda: value


def test_backoff_doubles_up_to_the_cap_with_full_jitter():
    top = [POLICY.delay(attempt, always(0.999999)) for attempt in range(1, 6)]
    assert [round(d) for d in top] == [10, 20, 40, 60, 60]
    assert POLICY.delay(3, always(0.0)) == 0.0
    assert POLICY.delay(3, always(0.5)) == 20.0


def test_transient_error_retries_later_until_attempts_run_out():
    first = decide(TRANSIENT, 1, NOW, POLICY, always(0.5), "HTTP 503")
    assert first.action == RETRY and first.at == NOW + timedelta(seconds=5)
    last = decide(TRANSIENT, 4, NOW, POLICY, always(0.5), "HTTP 503")
    assert last.action == FAIL and "4 attempts" in last.reason and "HTTP 503" in last.reason


def test_permanent_error_fails_at_once_with_the_reason():
    decision = decide(PERMANENT, 1, NOW, POLICY, always(0.5), "HTTP 400 invalid_number")
    assert decision.action == FAIL and decision.reason == "HTTP 400 invalid_number"


def test_accepted_is_sent():
    assert decide(ACCEPTED, 1, NOW, POLICY, always(0.5)).action == MARK_SENT


@pytest.mark.parametrize("attempts", [1, 4])
def test_timeout_asks_for_the_status_even_after_the_last_attempt(attempts):
    decision = decide(UNKNOWN, attempts, NOW, POLICY, always(0.5), "ReadTimeout")
    assert decision.action == RESOLVE and decision.at > NOW


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (QUERY_ACCEPTED, MARK_SENT),
        (QUERY_DELIVERED, MARK_DELIVERED),
        (QUERY_FAILED, FAIL),
        (QUERY_NOT_FOUND, RETRY),
        (QUERY_UNKNOWN, RESOLVE),
    ],
)
def test_status_query_answers(status, action):
    assert decide_after_query(status, 1, 1, NOW, POLICY, always(0.5)).action == action


def test_not_found_after_the_last_attempt_fails_and_endless_silence_fails():
    assert decide_after_query(QUERY_NOT_FOUND, 4, 1, NOW, POLICY, always(0.5)).action == FAIL
    assert decide_after_query(QUERY_UNKNOWN, 1, 4, NOW, POLICY, always(0.5)).action == FAIL


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        (200, ACCEPTED),
        (202, ACCEPTED),
        (409, ACCEPTED),
        (429, TRANSIENT),
        (500, TRANSIENT),
        (502, TRANSIENT),
        (503, TRANSIENT),
        (408, TRANSIENT),
        (401, TRANSIENT),
        (400, PERMANENT),
        (404, PERMANENT),
        (422, PERMANENT),
    ],
)
def test_http_status_codes_are_classified(code, outcome):
    assert classify_status_code(code) == outcome


def test_giving_up_on_an_unclear_send_says_why_in_the_gateways_words():
    decision = decide_after_query(
        QUERY_UNKNOWN, 1, POLICY.max_attempts, NOW, POLICY, always(0.5), "no report from Kannel"
    )
    assert decision.action == FAIL
    assert decision.reason == "the gateway never answered a status query: no report from Kannel"
