"""Looking rows up without flushing: committed, pending, missing; composite keys. Rows read
once in a transaction are not read again, except under a lock."""

from __future__ import annotations

import gc
import weakref

from sqlalchemy import String, event, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Database, find_unflushed, first_unflushed, get_unflushed, read_rows_ahead


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    owner: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(10), nullable=True)


class Pair(Base):
    __tablename__ = "pairs"
    a: Mapped[str] = mapped_column(String(10), primary_key=True)
    b: Mapped[str] = mapped_column(String(10), primary_key=True)


def test_get_unflushed_finds_committed_and_pending_rows_without_writing(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add(Thing(id="old", name="committed"))
    with db.session() as session:
        assert get_unflushed(session, Thing, "old").name == "committed"
        session.add(Thing(id="new", name="pending"))
        session.add(Pair(a="x", b="y"))
        found = get_unflushed(session, Thing, "new")
        assert found is not None and found.name == "pending"
        assert found in session.new  # found, and still not written
        assert get_unflushed(session, Pair, ("x", "y")) is not None
        assert get_unflushed(session, Pair, ("y", "x")) is None
        assert get_unflushed(session, Thing, "missing") is None
    db.dispose()


def test_a_row_added_in_this_transaction_is_found_without_asking_the_database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        session.add(Thing(id="new", name="pending"))
        statements.clear()
        assert get_unflushed(session, Thing, "new").name == "pending"
        assert get_unflushed(session, Pair, ("new", "x")) is None  # another model: asked
        assert [s for s in statements if "things" in s] == []
        assert len([s for s in statements if "pairs" in s]) == 1
    db.dispose()


def _things_asked(statements: list[str]) -> int:
    return len([s for s in statements if "things" in s and s.lstrip().upper().startswith("SELECT")])


def test_a_row_read_and_let_go_is_not_read_again_in_the_same_transaction(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add(Thing(id="old", name="committed"))
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        assert session.scalars(select(Thing).where(Thing.id == "old")).one().name == "committed"
        gc.collect()  # nobody holds the row any more
        assert session.get(Thing, "old").name == "committed"
        assert _things_asked(statements) == 1
    with db.session() as session:  # a new transaction reads it afresh
        assert session.get(Thing, "old") is not None
        assert _things_asked(statements) == 2
    db.dispose()


def test_a_row_read_under_a_lock_is_the_row_as_it_is_now(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add(Thing(id="old", name="before"))
    with db.session() as session:
        thing = session.get(Thing, "old")
        # Changed behind the session's back (as another transaction would, before the lock).
        session.execute(update(Thing.__table__).values(name="after"))
        assert session.get(Thing, "old").name == "before"  # an unlocked read keeps what it has
        locked = session.scalars(select(Thing).where(Thing.id == "old").with_for_update()).one()
        assert locked is thing and thing.name == "after"
        assert session.get(Thing, "old", with_for_update=True).name == "after"
    db.dispose()


def test_the_rows_a_transaction_read_are_let_go_when_it_ends(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add(Thing(id="old", name="committed"))
    with db.session() as session:
        row = weakref.ref(session.get(Thing, "old"))
        gc.collect()
        assert row() is not None  # kept while the transaction lasts
    gc.collect()
    assert row() is None
    db.dispose()


def test_rows_read_ahead_are_found_and_missing_ones_known_missing_without_asking_again(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add_all([Thing(id="a", name="first"), Thing(id="b", name="second")])
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        read_rows_ahead(session, Thing, ["a", "b", "c", "d"])
        gc.collect()  # the rows read ahead are held, not only weakly
        assert _things_asked(statements) == 1
        assert get_unflushed(session, Thing, "a").name == "first"
        assert get_unflushed(session, Thing, "b").name == "second"
        assert get_unflushed(session, Thing, "c") is None
        assert _things_asked(statements) == 1
        # Added, written by a flush and let go: found, not taken for missing.
        session.add(Thing(id="c", name="new"))
        session.flush()
        gc.collect()
        assert get_unflushed(session, Thing, "c").name == "new"
        assert get_unflushed(session, Thing, "e") is None  # not read ahead: asked
        assert _things_asked(statements) == 2
    with db.session() as session:  # what was missing is asked again in the next transaction
        assert get_unflushed(session, Thing, "d") is None
        assert _things_asked(statements) == 3
    db.dispose()


def _found(rows) -> list[str]:
    return sorted(row.id for row in rows)


def _lookups(session) -> dict[str, list[str]]:
    return {
        "mine, open": _found(find_unflushed(session, Task, owner="me", status=("new", "held"))),
        "yours": _found(find_unflushed(session, Task, owner="you")),
        "held": _found(find_unflushed(session, Task, status=["held"])),
    }


def _autoflushed(session) -> dict[str, list[str]]:
    def ask(query):
        return _found(session.scalars(query))

    return {
        "mine, open": ask(select(Task).where(Task.owner == "me", Task.status.in_(("new", "held")))),
        "yours": ask(select(Task).where(Task.owner == "you")),
        "held": ask(select(Task).where(Task.status == "held")),
    }


def test_rows_found_without_flushing_are_what_an_autoflushing_query_finds(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add_all([
            Task(id="t1", owner="me", status="new"),
            Task(id="t2", owner="me", status="held"),
            Task(id="t3", owner="you", status="new"),
            Task(id="t4", owner="me", status="done"),
        ])  # fmt: skip
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as session:
        task = {row.id: row for row in session.scalars(select(Task))}
        # Changed in memory, not written yet:
        session.add(Task(id="t5", owner="me", status="new"))  # added
        task["t1"].status = "done"  # no longer open
        task["t3"].owner = "me"  # now mine
        task["t4"].status = "held"  # open again
        session.delete(task["t2"])  # gone
        statements.clear()
        without_flush = _lookups(session)
        assert not [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
        assert first_unflushed(session, Task, owner="nobody") is None
        assert first_unflushed(session, Task, id="t5").owner == "me"
        assert without_flush == {
            "mine, open": ["t3", "t4", "t5"],
            "yours": [],
            "held": ["t4"],
        }
        assert without_flush == _autoflushed(session)  # the same as after writing
    db.dispose()


def test_rows_found_without_flushing_compare_with_null_and_forget_a_rolled_back_savepoint(
    tmp_path,
):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add_all([Task(id="t1", owner="me", status="new", note="hi"),
                         Task(id="t2", owner="me", status="new")])  # fmt: skip
    with db.session() as session:
        assert _found(find_unflushed(session, Task, note=None)) == ["t2"]
        assert _found(find_unflushed(session, Task, owner="me", note=None)) == ["t2"]
        savepoint = session.begin_nested()
        session.add(Task(id="t3", owner="me", status="new"))
        assert _found(find_unflushed(session, Task, note=None)) == ["t2", "t3"]
        savepoint.rollback()
        assert _found(find_unflushed(session, Task, owner="me")) == ["t1", "t2"]
        assert get_unflushed(session, Task, "t3") is None
    db.dispose()
