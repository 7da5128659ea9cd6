"""Every referral state and move has its FHIR Task status and a legal Task move."""

import pytest

from services.referral.domain.fhir_task import TERMINAL, referral_path, unmapped_moves
from services.referral.domain.states import FHIR_TASK_STATUS, FINAL_STATES, Status


def test_every_referral_move_is_a_legal_task_move():
    assert unmapped_moves() == []


@pytest.mark.parametrize(
    ("history", "tasks"),
    [
        (["sent", "accepted", "in_progress", "completed"],
         ["requested", "accepted", "in-progress", "completed"]),
        (["sent", "declined"], ["requested", "rejected"]),
        (["sent", "expired"], ["requested", "failed"]),
        (["sent", "cancelled"], ["requested", "cancelled"]),
        (["sent", "accepted", "cancelled"], ["requested", "accepted", "cancelled"]),
        (["sent", "accepted", "in_progress", "cancelled"],
         ["requested", "accepted", "in-progress", "cancelled"]),
    ],
)  # fmt: skip
def test_status_histories_map_onto_task_statuses(history, tasks):
    assert referral_path(history) == tasks


def test_a_history_that_skips_a_step_is_a_gap():
    with pytest.raises(ValueError, match="requested to completed"):
        referral_path(["sent", "completed"])


def test_final_referral_states_are_final_task_states():
    assert {FHIR_TASK_STATUS[s] for s in FINAL_STATES} <= TERMINAL
    assert FHIR_TASK_STATUS[Status.SENT] not in TERMINAL
