"""A consumer's batch reads its children's locks, versions and parked updates ahead: three
statements for the batch instead of three per child, with the same outcome per event.

The batch's own writes keep what was read current (a second event of a child in the same batch
sees the first one's versions); inside a savepoint the child's next reads ask the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, event, text

from shared.db import Database
from shared.handling import child_ids
from shared.ordering import ChildOrdering, ordering_tables
from shared.testing.stories import child_story
from shared.tests.test_ordering_locks import advisory_locks_held

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


@pytest.fixture
def db(make_database):
    database = Database(make_database("read_ahead"))
    ordering = ChildOrdering(*ordering_tables(MetaData()))
    ordering.versions.metadata.create_all(database.engine)
    database.ordering = ordering
    yield database
    database.dispose()


FIRST_PHONE = {"guardian": {"phone": "+992931110002"}}


def _one_child() -> tuple[list, str]:
    story = child_story(start=T0)
    return story, story[0].payload["child_id"]


def _asked(statements: list[str], word: str) -> int:
    return len([s for s in statements if word in s])


def _at(event_, seconds: int):
    return replace(event_, occurred_at=(T0 + timedelta(seconds=seconds)).isoformat())


def test_a_batch_reads_its_children_ahead_and_decides_as_it_would_one_by_one(db):
    ordering: ChildOrdering = db.ordering
    stories = [child_story(start=T0) for _ in range(5)]
    children = [story[0].payload["child_id"] for story in stories]
    # One child already has versions, another an update parked before its registration.
    _, first_update, second_update, _ = stories[0]
    with db.session() as session:
        ordering.newer_parts(
            session, children[0], {"guardian": {"phone": "+992931110009"}}, _at(first_update, 10)
        )
        ordering.park(session, _at(second_update, 30), children[1])
        ordering.park(session, _at(first_update, 20), children[1])

    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        ordering.read_ahead(session, children)
        assert advisory_locks_held(db) == 5  # every child of the batch is locked
        read = len(statements)
        # An older change of a field a newer event set is refused, from what was read ahead.
        older = {"guardian": {"phone": "+992931110001", "name": "Гулнора"}}
        assert ordering.newer_parts(session, children[0], older, _at(second_update, 5)) == {
            "guardian": {"name": "Гулнора"}
        }
        parked = ordering.take_parked(session, children[1])
        assert [e.occurred_at for e in parked] == [
            _at(first_update, 20).occurred_at,
            _at(second_update, 30).occurred_at,
        ]
        for child_id in children[2:]:
            assert ordering.take_parked(session, child_id) == []
            fresh = {"guardian": {"phone": "+992931110002"}}
            assert ordering.newer_parts(session, child_id, fresh, _at(first_update, 40)) == fresh
        # A second event of the same child in the batch sees what the first one wrote.
        again = {"guardian": {"phone": "+992931110003"}}
        assert ordering.newer_parts(session, children[2], again, _at(first_update, 35)) == {}
        after = statements[read:]
        assert _asked(after, "pg_advisory_xact_lock") == 0
        assert [s for s in after if s.lstrip().upper().startswith("SELECT")] == []
    assert advisory_locks_held(db) == 0
    with db.session() as session:  # what the batch wrote is what the database holds
        stored = session.execute(text("SELECT count(*) FROM child_versions")).scalar_one()
        assert stored == 4
        assert session.execute(text("SELECT count(*) FROM parked_events")).scalar_one() == 0


@pytest.mark.parametrize("kept", [True, False], ids=["savepoint kept", "savepoint rolled back"])
def test_after_a_savepoint_a_child_is_read_as_the_savepoint_left_it(db, kept):
    ordering: ChildOrdering = db.ordering
    story, child_id = _one_child()
    first = FIRST_PHONE
    with db.session() as session:
        ordering.read_ahead(session, [child_id])
        savepoint = session.begin_nested()
        assert ordering.newer_parts(session, child_id, first, _at(story[1], 10)) == first
        if kept:
            savepoint.commit()
        else:
            savepoint.rollback()  # the versions written in it are gone
        # Kept: the same change again is nothing new. Rolled back: it is new again, read from
        # the database, not from what the savepoint wrote.
        expected = {} if kept else first
        assert ordering.newer_parts(session, child_id, first, _at(story[1], 10)) == expected


def test_a_merge_in_a_batch_locks_both_children_with_the_rest_in_one_order(db):
    ordering: ChildOrdering = db.ordering
    gone, kept = child_story(start=T0), child_story(start=T0)
    merged = replace(
        gone[0],
        type="child.merged",
        payload={"child_id": gone[0].payload["child_id"], "into": kept[0].payload["child_id"]},
    )
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        ordering.read_ahead(session, child_ids([merged], "child."))
        assert advisory_locks_held(db) == 2
        ordering.lock(session, kept[0].payload["child_id"])  # the merge's handler: held already
        assert _asked(statements, "pg_advisory_xact_lock") == 1


def _versions(db) -> dict[str, dict]:
    with db.session() as session:
        rows = session.execute(text("SELECT child_id, fields FROM child_versions")).all()
    return {child_id: fields for child_id, fields in rows}


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_a_batch_writes_its_childrens_versions_together_before_it_commits(db):
    ordering: ChildOrdering = db.ordering
    stories = [child_story(start=T0) for _ in range(4)]
    children = [story[0].payload["child_id"] for story in stories]
    with db.session() as session:  # one child has versions already: its row is changed
        ordering.newer_parts(
            session, children[0], {"guardian": {"phone": "+992931110009"}}, _at(stories[0][1], 10)
        )
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        ordering.read_ahead(session, children)
        for n, story in enumerate(stories):
            phone = {"guardian": {"phone": f"+99293111002{n}"}}
            assert ordering.newer_parts(session, story[0].payload["child_id"], phone,
                                        _at(story[2], 20)) == phone  # fmt: skip
        # An older change of a field this batch set is refused, from what the batch holds.
        older = {"guardian": {"phone": "+992931110030"}}
        assert ordering.newer_parts(session, children[1], older, _at(stories[1][1], 15)) == {}
        assert _writes(statements) == []  # nothing written before the commit
    writes = _writes(statements)
    assert len(writes) == 2, writes  # the new children's rows together, the changed one
    stored = _versions(db)
    assert sorted(stored) == sorted(children)
    for n, story in enumerate(stories):
        assert stored[story[0].payload["child_id"]]["guardian.phone"][1] == story[2].id, n


def test_a_batch_rolled_back_writes_no_versions(db):
    ordering: ChildOrdering = db.ordering
    story, child_id = _one_child()
    with pytest.raises(RuntimeError), db.session() as session:
        ordering.read_ahead(session, [child_id])
        ordering.newer_parts(session, child_id, FIRST_PHONE, _at(story[1], 10))
        raise RuntimeError("the batch failed")
    assert _versions(db) == {}


@pytest.mark.parametrize("kept", [True, False], ids=["savepoint kept", "savepoint rolled back"])
def test_versions_a_batch_has_not_written_are_seen_in_a_savepoint_and_outlive_its_rollback(
    db, kept
):
    ordering: ChildOrdering = db.ordering
    story, child_id = _one_child()
    first = FIRST_PHONE
    later = {"guardian": {"phone": "+992931110004"}}
    with db.session() as session:
        ordering.read_ahead(session, [child_id])
        assert ordering.newer_parts(session, child_id, first, _at(story[1], 10)) == first
        savepoint = session.begin_nested()
        # Read from the database inside the savepoint: the batch's change is there already.
        assert ordering.newer_parts(session, child_id, first, _at(story[1], 10)) == {}
        assert ordering.newer_parts(session, child_id, later, _at(story[2], 20)) == later
        if kept:
            savepoint.commit()
        else:
            savepoint.rollback()
    expected = story[2].id if kept else story[1].id
    assert _versions(db)[child_id]["guardian.phone"][1] == expected


def test_an_update_parked_after_a_batch_change_keeps_the_change(db):
    ordering: ChildOrdering = db.ordering
    story, child_id = _one_child()
    first = FIRST_PHONE
    with db.session() as session:
        ordering.read_ahead(session, [child_id])
        ordering.newer_parts(session, child_id, first, _at(story[1], 10))
        ordering.park(session, _at(story[3], 40), child_id)
        # The child's next reads ask the database, which holds the change.
        assert ordering.newer_parts(session, child_id, first, _at(story[1], 10)) == {}
    assert _versions(db)[child_id]["guardian.phone"][1] == story[1].id
