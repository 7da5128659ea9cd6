"""Per-field versions: the newest event wins each field, whatever order the events came in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import Session

from shared.ordering import ChildOrdering, ordering_tables
from shared.testing.stories import child_story

T0 = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


@pytest.fixture
def session():
    metadata = MetaData()
    ordering = ChildOrdering(*ordering_tables(metadata))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        session.info["ordering"] = ordering
        yield session
    engine.dispose()


def test_an_older_event_changes_only_the_fields_no_newer_event_set(session):
    ordering = session.info["ordering"]
    # A whole second and a fraction of one apart: "…:00+00:00" must sort before "…:00.5+00:00".
    story = child_story(start=T0)
    older, newer = story[1], story[2]
    older = replace(older, occurred_at=T0.isoformat())
    newer = replace(newer, occurred_at=(T0 + timedelta(milliseconds=500)).isoformat())
    child_id = older.payload["child_id"]
    changes = {"guardian": {"phone": "+992931110002", "language": "ru"}}
    assert ordering.newer_parts(session, child_id, changes, newer) == changes

    late = {"guardian": {"phone": "+992931110001", "name": "Гулнора"}}
    assert ordering.newer_parts(session, child_id, late, older) == {"guardian": {"name": "Гулнора"}}


def test_parked_updates_come_back_oldest_first_and_only_once(session):
    ordering = session.info["ordering"]
    _, first, second, _ = child_story(start=T0)
    child_id = first.payload["child_id"]
    ordering.park(session, second, child_id)
    ordering.park(session, first, child_id)

    assert [e.id for e in ordering.take_parked(session, child_id)] == [first.id, second.id]
    assert ordering.take_parked(session, child_id) == []
