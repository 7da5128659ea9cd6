"""A child's lock is asked for once per transaction, and held for as long as PostgreSQL says.

Registering a child locked it twice (the handler, then the versions it reads): one statement per
child and service for nothing. A savepoint rolled back gives its locks up, so the lock is asked
for again after one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, event, text

from shared.db import Database
from shared.ordering import ChildOrdering, ordering_tables

pytestmark = pytest.mark.integration


@pytest.fixture
def db(make_database):
    database = Database(make_database("locks"))
    yield database
    database.dispose()


def _locks_asked(statements: list[str]) -> int:
    return len([s for s in statements if "pg_advisory_xact_lock" in s])


def advisory_locks_held(db: Database) -> int:
    """How many advisory locks other sessions see held."""
    with db.engine.connect() as other:
        return other.execute(
            # pg_locks shows the whole server's locks: count this test's database only.
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                " WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()"
            )
        ).scalar_one()


def test_a_lock_held_is_not_asked_for_again_and_one_rolled_back_is(db):
    ordering = ChildOrdering(*ordering_tables(MetaData()))
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        ordering.lock(session, "child-1")
        ordering.lock(session, "child-1")
        assert _locks_asked(statements) == 1
        assert advisory_locks_held(db) == 1
        savepoint = session.begin_nested()
        ordering.lock(session, "child-2")
        ordering.lock(session, "child-2")
        assert _locks_asked(statements) == 2
        savepoint.rollback()
        assert advisory_locks_held(db) == 1  # child-2's lock went with its savepoint
        ordering.lock(session, "child-2")
        assert _locks_asked(statements) == 3
        assert advisory_locks_held(db) == 2
    assert advisory_locks_held(db) == 0
    with db.session() as session:  # a new transaction asks afresh
        ordering.lock(session, "child-1")
        assert _locks_asked(statements) == 4
