import pytest

from services.notifications.domain.status import (
    CANCELLED,
    DELIVERED,
    FAILED,
    HELD,
    PENDING,
    SENT,
    STATUSES,
    StatusError,
    can_move,
    is_terminal,
    map_receipt,
    move,
    receipt_move,
)

FORWARD = [
    (PENDING, HELD),
    (HELD, PENDING),
    (PENDING, SENT),
    (SENT, DELIVERED),
    (PENDING, FAILED),
    (HELD, FAILED),
    (SENT, FAILED),
    (PENDING, CANCELLED),
    (HELD, CANCELLED),
]


@pytest.mark.parametrize(("current", "new"), FORWARD)
def test_forward_moves_are_allowed(current, new):
    assert move(current, new) == new


@pytest.mark.parametrize("terminal", [DELIVERED, FAILED, CANCELLED])
@pytest.mark.parametrize("new", STATUSES)
def test_nothing_leaves_a_terminal_status(terminal, new):
    assert is_terminal(terminal)
    with pytest.raises(StatusError):
        move(terminal, new)


@pytest.mark.parametrize(("current", "new"), [(SENT, PENDING), (SENT, HELD), (SENT, CANCELLED)])
def test_a_sent_message_cannot_go_back_or_be_cancelled(current, new):
    assert not can_move(current, new)


def test_unknown_status_is_an_error():
    with pytest.raises(StatusError):
        can_move(PENDING, "lost")


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("delivered", DELIVERED),
        ("DELIVERED", DELIVERED),
        ("accepted", SENT),
        ("failed", FAILED),
        ("expired", FAILED),
        ("undeliverable", FAILED),
        ("rejected", FAILED),
        ("DELIVRD", DELIVERED),
        ("stat:DELIVRD", DELIVERED),
        ("ACCEPTD", SENT),
        ("EXPIRED", FAILED),
        ("DELETED", FAILED),
        ("UNDELIV", FAILED),
        ("REJECTD", FAILED),
        ("UNKNOWN", None),
    ],
)
def test_receipt_words_and_smpp_codes_map_to_platform_statuses(word, status):
    assert map_receipt(word).status == status


def test_failed_receipts_carry_a_reason_and_garbage_is_refused():
    assert map_receipt("EXPIRED").reason == "expired"
    with pytest.raises(ValueError):
        map_receipt("teleported")


def test_receipts_only_move_forward():
    delivered, accepted = map_receipt("delivered"), map_receipt("accepted")
    assert receipt_move(SENT, delivered) == DELIVERED
    assert receipt_move(DELIVERED, accepted) is None  # late "accepted" after "delivered"
    assert receipt_move(DELIVERED, delivered) is None  # repeated receipt
    assert receipt_move(FAILED, delivered) is None
    assert receipt_move(PENDING, delivered) == DELIVERED  # receipt overtook our own "sent"
    assert receipt_move(SENT, map_receipt("UNKNOWN")) is None
