"""Every allowed and forbidden referral transition, FHIR statuses and decline reasons."""

import itertools

import pytest

from services.referral.domain.errors import InvalidInput, TransitionNotAllowed
from services.referral.domain.states import (
    PLACE_TAKING_STATES,
    Action,
    Status,
    allowed_actions,
    check_decline,
    fhir_status,
    is_open,
    next_status,
)
from shared.vocabulary import REFERRAL_STATUSES

ALLOWED = {
    ("sent", "accept"): "accepted",
    ("sent", "decline"): "declined",
    ("sent", "expire"): "expired",
    ("sent", "cancel"): "cancelled",
    ("accepted", "start"): "in_progress",
    ("accepted", "cancel"): "cancelled",
    ("in_progress", "complete"): "completed",
    ("in_progress", "cancel"): "cancelled",
}
EVERY_PAIR = list(itertools.product([s.value for s in Status], [a.value for a in Action]))
FORBIDDEN = [pair for pair in EVERY_PAIR if pair not in ALLOWED]


@pytest.mark.parametrize(("current", "action"), list(ALLOWED))
def test_allowed_transition_reaches_its_state(current, action):
    assert next_status(current, action) == ALLOWED[(current, action)]


@pytest.mark.parametrize(("current", "action"), FORBIDDEN)
def test_forbidden_transition_is_refused(current, action):
    with pytest.raises(TransitionNotAllowed) as caught:
        next_status(current, action)
    assert caught.value.current_status == current
    assert caught.value.action == action


def test_refusal_message_reads_naturally():
    with pytest.raises(TransitionNotAllowed, match="cannot accept a referral that is in progress"):
        next_status("in_progress", "accept")


def test_unknown_state_or_action_is_refused_not_crashing():
    with pytest.raises(TransitionNotAllowed):
        next_status("received", "accept")
    with pytest.raises(TransitionNotAllowed):
        next_status("sent", "approve")


def test_final_states_allow_nothing():
    for status in ("declined", "expired", "completed", "cancelled"):
        assert allowed_actions(status) == []
    assert allowed_actions("sent") == ["accept", "decline", "expire", "cancel"]


@pytest.mark.parametrize(
    ("status", "fhir"),
    [
        ("sent", "requested"),
        ("accepted", "accepted"),
        ("declined", "rejected"),
        ("expired", "failed"),
        ("in_progress", "in-progress"),
        ("completed", "completed"),
        ("cancelled", "cancelled"),
    ],
)
def test_fhir_task_status(status, fhir):
    assert fhir_status(status) == fhir


def test_the_states_are_the_platforms_referral_statuses_in_order():
    assert tuple(Status) == REFERRAL_STATUSES


def test_open_states_and_places_taken():
    assert [s.value for s in Status if is_open(s)] == ["sent", "accepted", "in_progress"]
    assert [s.value for s in Status if s in PLACE_TAKING_STATES] == ["accepted", "in_progress"]


@pytest.mark.parametrize(
    "reason", ["no_capacity", "outside_area", "not_eligible", "family_unreachable"]
)
def test_coded_decline_reasons_need_no_note(reason):
    assert check_decline(reason, "") == reason


def test_other_reason_requires_a_note():
    with pytest.raises(InvalidInput) as caught:
        check_decline("other", "   ")
    assert list(caught.value.fields) == ["note"]
    assert check_decline("other", "family moved to Russia") == "other"


def test_unknown_reason_lists_the_choices():
    with pytest.raises(InvalidInput) as caught:
        check_decline("too_busy", None)
    assert "no_capacity" in caught.value.fields["reason"][0]
