"""Asking for rows among a list of keys: the same rows as IN on every database, and on
PostgreSQL one statement text whatever the list's length, so the driver keeps it prepared."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData, String, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Database, among, find_unflushed, read_rows_ahead
from shared.inbox import handled_among, processed_events_table, record_all_handled


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'among.db'}")
    else:
        database = Database(request.getfixturevalue("make_database")("among"))
    Base.metadata.create_all(database.engine)
    with database.session() as session:
        session.add_all(Thing(id=f"t{n}", kind="odd" if n % 2 else "even") for n in range(10))
    yield database
    database.dispose()


def statements_of(db: Database) -> list[str]:
    seen: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    return seen


@pytest.mark.parametrize("keys", [[], ["t1"], ["t1", "t2", "t3"], ["t9", "t0", "nope", "t5"]])
def test_among_finds_the_rows_in_finds(db, keys):
    with db.session() as session:
        wanted = set(keys) & {f"t{n}" for n in range(10)}
        by_in = set(session.scalars(select(Thing.id).where(Thing.id.in_(keys))))
        by_among = set(session.scalars(select(Thing.id).where(among(session, Thing.id, keys))))
        assert by_among == by_in == wanted


def test_a_key_longer_than_the_column_is_not_cut_to_match(db):
    with db.session() as session:
        session.add(Thing(id="ten-chars!", kind="long"))  # as long as the column allows
    with db.session() as session:
        keys = ["ten-chars!-and-more", "t2"]
        found = set(session.scalars(select(Thing.id).where(among(session, Thing.id, keys))))
        assert found == {"t2"}
        assert {t.id for t in find_unflushed(session, Thing, id=set(keys))} == {"t2"}


def test_batches_of_any_length_are_one_statement_on_postgresql(make_database):
    db = Database(make_database("among_text"))
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add_all(Thing(id=f"t{n}", kind="x") for n in range(10))
    seen = statements_of(db)
    with db.session() as session:
        for length in (1, 3, 7, 2):
            keys = [f"t{n}" for n in range(length)]
            found = session.scalars(select(Thing.id).where(among(session, Thing.id, keys)))
            assert sorted(found) == keys
            read_rows_ahead(session, Thing, [f"t{n}" for n in range(length, length + 3)])
            assert {t.id for t in find_unflushed(session, Thing, id=set(keys))} == set(keys)
    db.dispose()
    selects = [s for s in seen if s.lstrip().startswith("SELECT")]
    assert len(selects) >= 10
    # Three kinds of question (among, read ahead, find in a set): three texts, whatever the length.
    assert len(set(selects)) == 3, "\n".join(sorted(set(selects)))


def test_handled_events_are_found_among_a_batch_on_postgresql(make_database):
    db = Database(make_database("among_inbox"))
    table = processed_events_table(MetaData())
    table.metadata.create_all(db.engine)
    events = [
        SimpleNamespace(id=f"e{n}", type="test.happened", correlation_id="c") for n in range(5)
    ]
    seen = statements_of(db)
    with db.session() as session:
        record_all_handled(session, table, events[:3], datetime.now(UTC))
    with db.session() as session:
        assert handled_among(session, table, ["e4", "e0"]) == {"e0"}
        assert handled_among(session, table, ["e1", "e2", "e3", "e4", "nope"]) == {"e1", "e2"}
        assert handled_among(session, table, []) == set()
    db.dispose()
    asked = {s for s in seen if s.lstrip().startswith("SELECT")}
    assert len(asked) == 1, asked
