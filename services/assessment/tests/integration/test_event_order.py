"""A child's events reach the same state here whatever order they arrive in."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.assessment import handlers
from services.assessment.models import Assessment, Child
from shared.handling import handle_once
from shared.testing.stories import PHONES, child_story, corrections_story, shuffled

pytestmark = pytest.mark.integration

STORY = len(child_story())


def state(idle_assessment, child_id: str) -> dict:
    """What a case manager would see of the child and its assessment."""
    with idle_assessment.runtime.db.session() as session:
        child = session.get(Child, child_id)
        assessments = session.scalars(select(Assessment).where(Assessment.child_id == child_id))
        return {
            "guardian": (child.guardian_phone, child.guardian_language, child.guardian_name),
            "child": (child.given_name, child.district_code, child.screening_urgent),
            "assessments": sorted(
                (a.status, a.district_code, a.urgent, a.due_date.isoformat()) for a in assessments
            ),
        }


def deliver(idle_assessment, events) -> None:
    for event in events:
        handle_once(idle_assessment.runtime, handlers.HANDLERS, event)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(range(STORY)))
def test_any_order_of_a_childs_events_ends_as_in_order(idle_assessment, order):
    in_order, any_order = child_story(), child_story()
    deliver(idle_assessment, in_order)
    deliver(idle_assessment, shuffled(any_order, order))

    expected = state(idle_assessment, in_order[0].payload["child_id"])
    assert expected["guardian"][:2] == (PHONES[2], "ru")
    assert expected["assessments"][0][1:3] == ("vahdat", True)
    assert state(idle_assessment, any_order[0].payload["child_id"]) == expected


def test_an_update_before_the_registration_is_kept_until_it_arrives(idle_assessment):
    registered, first_phone, *_ = child_story()
    deliver(idle_assessment, [first_phone, registered])

    assert state(idle_assessment, registered.payload["child_id"])["guardian"][0] == PHONES[1]


@pytest.mark.parametrize("order", [(1, 3, 2, 0), (3, 2, 1, 0), (0, 3, 1, 2), (2, 0, 3, 1)])
def test_corrections_in_any_order_end_with_the_newest_district_and_birth_date(
    idle_assessment, order
):
    story = corrections_story()
    deliver(idle_assessment, shuffled(story, list(order)))

    child_id = story[0].payload["child_id"]
    with idle_assessment.runtime.db.session() as session:
        child = session.get(Child, child_id)
        assert (child.district_code, child.date_of_birth.isoformat()) == ("hisor", "2020-04-12")
    assert {a[1] for a in state(idle_assessment, child_id)["assessments"]} == {"hisor"}
