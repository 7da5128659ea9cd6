"""A child's events reach the same state here whatever order they arrive in."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.referral.handlers import HANDLERS
from services.referral.models import ChildRecord
from shared.handling import handle_once
from shared.testing.stories import PHONES, child_story, corrections_story, shuffled

pytestmark = pytest.mark.integration

STORY = len(child_story())


def state(service, child_id: str) -> tuple:
    """What matching and the provider's view rely on: district, region, guardian's contact."""
    with service.runtime.db.session() as session:
        c = session.get(ChildRecord, child_id)
        return (
            c.given_name,
            c.family_name,
            c.date_of_birth,
            c.district_code,
            c.region_code,
            c.guardian_name,
            c.guardian_phone,
            c.guardian_language,
            c.data_sharing,
            c.registered_at,
        )


def deliver(service, events) -> None:
    for event in events:
        handle_once(service.runtime, HANDLERS, event)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(range(STORY)))
def test_any_order_of_a_childs_events_ends_as_in_order(service, order):
    in_order, any_order = child_story(), child_story()
    deliver(service, in_order)
    deliver(service, shuffled(any_order, order))

    expected = state(service, in_order[0].payload["child_id"])
    assert (expected[3], expected[6], expected[7]) == ("vahdat", PHONES[2], "ru")
    assert state(service, any_order[0].payload["child_id"]) == expected


def test_an_update_before_the_registration_is_kept_until_it_arrives(service):
    registered, first_phone, *_ = child_story()
    deliver(service, [first_phone, registered])

    assert state(service, registered.payload["child_id"])[6] == PHONES[1]


@pytest.mark.parametrize("order", [(1, 3, 2, 0), (3, 2, 1, 0), (0, 3, 1, 2), (2, 0, 3, 1)])
def test_corrections_in_any_order_end_with_the_newest_district_and_birth_date(service, order):
    story = corrections_story()
    deliver(service, shuffled(story, list(order)))

    kept = state(service, story[0].payload["child_id"])
    assert (kept[2].isoformat(), kept[3], kept[4]) == ("2020-04-12", "hisor", "TJ-RA")
