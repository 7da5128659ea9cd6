"""Outbox rows wait in the session until commit: savepoints and rollbacks keep them honest."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from shared.events import make_event, parse_event
from shared.outbox_writes import add_to_outbox
from shared.tests import backbone_app as app


@pytest.fixture
def producer(tmp_path):
    runtime = app.producer_runtime(f"sqlite:///{tmp_path / 'p.db'}", "memory://", "t")
    yield runtime
    runtime.db.dispose()


def stored(runtime) -> list[str]:
    outbox = runtime.tables.outbox
    with runtime.db.session() as session:
        rows = session.execute(select(outbox.c.body).order_by(outbox.c.seq)).scalars()
        return [parse_event(body).payload["child_id"] for body in rows]


def emit(uow, child_id: str) -> None:
    uow.emit(app.EVENT_TYPE, {"child_id": child_id}, correlation_id=child_id)


def test_a_rolled_back_savepoint_drops_only_its_own_events(producer):
    with producer.unit_of_work() as uow:
        emit(uow, "before")
        with pytest.raises(RuntimeError), uow.session.begin_nested():
            emit(uow, "inside-failed")
            raise RuntimeError("the savepoint fails")
        with uow.session.begin_nested():
            emit(uow, "inside-kept")
        emit(uow, "after")
    assert stored(producer) == ["before", "inside-kept", "after"]


def test_a_rolled_back_transaction_writes_none_and_leaves_nothing_behind(producer):
    with pytest.raises(RuntimeError), producer.unit_of_work() as uow:
        emit(uow, "lost")
        raise RuntimeError("the transaction fails")
    with producer.unit_of_work() as uow:
        emit(uow, "next")
    assert stored(producer) == ["next"]


def test_only_the_services_own_sessions_write_outbox_rows(producer, tmp_path):
    # Another library's plain Session in the same process commits exactly what it was given.
    engine = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    producer.metadata.create_all(engine)
    event = make_event(
        app.EVENT_TYPE, {"child_id": "elsewhere"}, producer="intake", correlation_id="elsewhere"
    )
    with Session(engine) as session, session.begin():
        add_to_outbox(session, producer.tables.outbox, event)
    with Session(engine) as session:
        assert session.execute(select(producer.tables.outbox.c.id)).all() == []
    engine.dispose()
    with producer.unit_of_work() as uow:
        emit(uow, "own")
    assert stored(producer) == ["own"]
