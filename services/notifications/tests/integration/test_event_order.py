"""A child's events reach the same state here whatever order they arrive in."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.notifications.models import ORDERING, Contact, Notification
from services.notifications.tests.integration import events as ev
from shared.testing.stories import PHONES, child_story, corrections_story, shuffled

from .support import handle

pytestmark = pytest.mark.integration

STORY = len(child_story())


def state(service, child_id: str) -> dict:
    """The family's contact and the SMS waiting for them (where, in which language, status)."""
    with service.runtime.db.session() as session:
        c = session.get(Contact, child_id)
        sms = session.scalars(select(Notification).where(Notification.child_id == child_id))
        return {
            "contact": (c.given_name, c.district_code, c.phone, c.language, c.sms_consent),
            "sms": sorted((n.template, n.to, n.status, n.district_code) for n in sms),
        }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(range(STORY)))
def test_any_order_of_a_childs_events_ends_as_in_order(service, order):
    in_order, any_order = child_story(), child_story()
    handle(service, *in_order)
    handle(service, *shuffled(any_order, order))

    expected = state(service, in_order[0].payload["child_id"])
    assert expected["contact"][1:4] == ("vahdat", PHONES[2], "ru")
    assert all(to == PHONES[2] for _, to, _, _ in expected["sms"])
    assert state(service, any_order[0].payload["child_id"]) == expected


def test_a_corrected_phone_before_the_registration_is_where_the_sms_goes(service):
    registered, first_phone, *_ = child_story()
    handle(service, first_phone, registered)

    assert state(service, registered.payload["child_id"])["sms"][0][1] == PHONES[1]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(range(STORY + 1)))
def test_a_withdrawal_in_any_place_of_the_story_leaves_nothing_behind(service, order):
    story = child_story()
    child_id = story[0].payload["child_id"]
    withdrawn = ev.event("child.consent_withdrawn", {"child_id": child_id}, producer="intake")
    handle(service, *shuffled([*story, withdrawn], order))

    contact = state(service, child_id)["contact"]
    assert (contact[0], contact[2], contact[4]) == (None, None, False)
    parked = ORDERING.parked
    with service.runtime.db.session() as session:
        left = session.execute(select(parked.c.event_id).where(parked.c.child_id == child_id))
        assert left.all() == []
    assert all(to is None for _, to, _, _ in state(service, child_id)["sms"])


@pytest.mark.parametrize("order", [(1, 3, 2, 0), (3, 2, 1, 0), (0, 3, 1, 2), (2, 0, 3, 1)])
def test_corrections_in_any_order_end_with_the_newest_district(service, order):
    story = corrections_story()
    handle(service, *shuffled(story, list(order)))

    kept = state(service, story[0].payload["child_id"])
    assert kept["contact"][1] == "hisor"
    assert {sms[3] for sms in kept["sms"]} == {"hisor"}
