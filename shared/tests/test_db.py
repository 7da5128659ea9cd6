"""Looking rows up without flushing: committed, pending, missing; composite keys."""

from __future__ import annotations

from sqlalchemy import String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Database, get_unflushed


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


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
