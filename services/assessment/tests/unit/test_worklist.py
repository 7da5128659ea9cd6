from datetime import UTC, date, datetime, timedelta

import pytest

from services.assessment.domain import (
    DueTargets,
    due_date,
    due_targets_from_config,
    is_overdue,
    worklist_sort_key,
)

TARGETS = DueTargets(urgent_days=3, routine_days=14)


def test_due_dates_follow_the_targets():
    registered = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    assert due_date(registered, True, TARGETS) == date(2026, 11, 28)
    assert due_date(registered, False, TARGETS) == date(2026, 12, 9)


def test_the_due_date_counts_from_the_local_day_in_dushanbe():
    late_evening_local = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)  # 01:30 on the 26th
    assert due_date(late_evening_local, True, TARGETS) == date(2026, 11, 29)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        due_date(datetime(2026, 11, 25, 10, 0), True, TARGETS)


def test_targets_come_from_configuration_with_defaults():
    assert due_targets_from_config({}) == DueTargets(3, 14)
    config = {"ASSESSMENT_DUE_DAYS_URGENT": "2", "ASSESSMENT_DUE_DAYS_ROUTINE": " 10 "}
    assert due_targets_from_config(config) == DueTargets(2, 10)
    with pytest.raises(ValueError, match="ASSESSMENT_DUE_DAYS_URGENT"):
        due_targets_from_config({"ASSESSMENT_DUE_DAYS_URGENT": "three"})
    with pytest.raises(ValueError):
        due_targets_from_config({"ASSESSMENT_DUE_DAYS_ROUTINE": "-1"})


@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        ("pending", date(2026, 12, 9), False),
        ("pending", date(2026, 12, 10), True),
        ("scheduled", date(2026, 12, 10), True),
        ("completed", date(2027, 1, 1), False),
        ("cancelled", date(2027, 1, 1), False),
    ],
)
def test_an_open_assessment_is_overdue_the_day_after_its_due_date(status, today, expected):
    assert is_overdue(status, date(2026, 12, 9), today) is expected


def test_the_worklist_puts_overdue_first_then_urgent_then_oldest():
    today = date(2026, 12, 1)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = {
        "new_routine": ("pending", date(2026, 12, 14), False, start + timedelta(days=20)),
        "old_routine": ("pending", date(2026, 12, 10), False, start + timedelta(days=5)),
        "urgent": ("scheduled", date(2026, 12, 2), True, start + timedelta(days=25)),
        "overdue_late": ("pending", date(2026, 11, 29), False, start + timedelta(days=15)),
        "overdue_early": ("scheduled", date(2026, 11, 20), False, start + timedelta(days=6)),
    }
    order = sorted(
        items,
        key=lambda name: worklist_sort_key(
            status=items[name][0],
            due=items[name][1],
            urgent=items[name][2],
            waiting_since=items[name][3],
            assessment_id=name,
            today=today,
        ),
    )
    assert order == ["overdue_early", "overdue_late", "urgent", "old_routine", "new_routine"]


def test_children_waiting_since_the_same_moment_keep_one_order_by_id():
    since = datetime(2026, 11, 20, tzinfo=UTC)
    keys = [
        worklist_sort_key(
            status="pending",
            due=date(2026, 12, 4),
            urgent=False,
            waiting_since=since,
            assessment_id=assessment_id,
            today=date(2026, 12, 1),
        )
        for assessment_id in ("b", "a")
    ]
    assert sorted(keys) == keys[::-1]
