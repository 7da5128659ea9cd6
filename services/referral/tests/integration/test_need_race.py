"""A need a consumer opens is written at once, so a referral sent meanwhile waits and reuses it."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import insert, select, text
from sqlalchemy.exc import OperationalError

from services.referral.flows.placing import need_for
from services.referral.handlers import HANDLERS
from services.referral.models import ChildRecord, Need
from shared.events import make_event
from shared.handling import handle_many
from shared.testing import wait_for

from .support import assess, register_child

pytestmark = pytest.mark.integration


def test_a_need_opened_in_a_transaction_holds_its_place_before_the_commit(service):
    child_id = register_child(service)
    runtime = service.runtime
    with runtime.unit_of_work() as uow:
        need_for(uow, child_id, "day_care")
        # The same need written by another transaction (the API, sending a referral) must wait
        # for this one: here it gives up after a moment instead of waiting.
        with runtime.db.engine.connect() as other:
            other.execute(text("SET lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                other.execute(
                    insert(Need.__table__).values(
                        id=str(uuid.uuid4()), child_id=child_id, service_type="day_care",
                        priority="routine", status="open", opened_at=uow.now,
                        updated_at=uow.now,
                    )
                )  # fmt: skip
            other.rollback()


def test_a_need_another_transaction_opened_first_is_found_not_written_twice(service):
    """The API's referral opened the need a moment before a consumer's batch: the batch waits
    for the referral to commit and goes on with its need, instead of failing on the duplicate
    and being handled again one event at a time."""
    child_id = register_child(service)
    runtime = service.runtime
    theirs = str(uuid.uuid4())
    with runtime.db.engine.connect() as other:
        other.execute(
            insert(Need.__table__).values(
                id=theirs, child_id=child_id, service_type="day_care", priority="urgent",
                status="referred", opened_at=runtime.now(), updated_at=runtime.now(),
            )
        )  # fmt: skip
        with ThreadPoolExecutor(1) as pool:
            # The batch's look-up sees no need yet; its write waits for the other transaction.
            found = pool.submit(_need_in_a_batch, runtime, child_id)
            wait_for(lambda: _waiting_on_a_lock(runtime), timeout=10,
                     message="the batch waits for the referral's transaction")  # fmt: skip
            other.commit()
            need_id, status = found.result(timeout=10)
    assert (need_id, status) == (theirs, "referred")
    with runtime.unit_of_work() as uow:
        needs = uow.session.scalars(select(Need).where(Need.child_id == child_id)).all()
    assert [n.id for n in needs] == [theirs]


def _need_in_a_batch(runtime, child_id: str) -> tuple[str, str]:
    with runtime.unit_of_work() as uow:
        need = need_for(uow, child_id, "day_care")
        return need.id, need.status


def _waiting_on_a_lock(runtime) -> bool:
    with runtime.db.engine.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


def test_a_batch_of_assessed_children_opens_their_needs_without_writing_row_by_row(service):
    """A consumer's batch of assessments opens each child's need at once (its unique index
    entry held), and leaves the rest, such as each child's first assessment date, to be
    written together at commit: not flushed once for every need it opens."""
    runtime = service.runtime
    children = [register_child(service) for _ in range(4)]
    events = [
        make_event(
            "assessment.completed",
            {
                "assessment_id": str(uuid.uuid4()), "child_id": child_id, "age_group": "5_17",
                "domains": {"walking": {"difficulty": True}}, "functional_difficulty": True,
                "priority": "high", "recommended_service_types": ["day_care"],
            },
            producer="assessment", correlation_id=child_id, occurred_at=runtime.now(),
        )
        for child_id in children
    ]  # fmt: skip
    writes: list[tuple[str, bool]] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        if words[0] in ("INSERT", "UPDATE"):
            writes.append((" ".join(words[:3]), executemany))

    sa_event.listen(runtime.db.engine, "before_cursor_execute", note)
    try:
        assert handle_many(runtime, HANDLERS, events) == [True] * 4
    finally:
        sa_event.remove(runtime.db.engine, "before_cursor_execute", note)
    dates = [w for w in writes if w[0] == "UPDATE children SET"]
    assert len(dates) == 1 and dates[0][1], writes  # four children's dates in one run
    assert [w for w in writes if w[0] == "INSERT INTO needs"] == [("INSERT INTO needs", False)] * 4
    with runtime.db.session() as session:
        needs = session.scalars(select(Need).where(Need.child_id.in_(children))).all()
        assert sorted(n.child_id for n in needs) == sorted(children)
        assert {n.priority for n in needs} == {"high"}
        assigned = session.scalars(
            select(ChildRecord.first_assessed_at).where(ChildRecord.id.in_(children))
        ).all()
        assert len(assigned) == 4 and None not in assigned


@pytest.mark.parametrize("surviving_need", [False, True], ids=["moved", "dropped"])
def test_a_batch_that_merges_a_child_then_assesses_it_opens_its_need_in_one_go(
    service, surviving_need
):
    """A merge in a batch moves the merged child's need to the surviving child, or drops it
    when that child has one: not written yet when a later event of the same batch opens a
    need for the merged child. The new need's row waits for those changes, so the batch goes
    through whole instead of failing on the need it no longer sees."""
    runtime = service.runtime
    gone, into = register_child(service), register_child(service)
    assess(service, gone)
    if surviving_need:
        assess(service, into)

    def made(event_type, payload, producer):
        return make_event(
            event_type, payload, producer=producer, correlation_id=payload["child_id"],
            occurred_at=runtime.now(),
        )  # fmt: skip

    merged = made("child.merged", {"child_id": gone, "into": into}, "intake")
    assessed = made("assessment.completed", {
        "assessment_id": str(uuid.uuid4()), "child_id": gone, "age_group": "5_17",
        "domains": {"walking": {"difficulty": True}}, "functional_difficulty": True,
        "priority": "high", "recommended_service_types": ["day_care"],
    }, "assessment")  # fmt: skip
    assert handle_many(runtime, HANDLERS, [merged, assessed]) == [True, True]
    with runtime.db.session() as session:
        needs = session.scalars(select(Need).where(Need.child_id.in_([gone, into]))).all()
        assert sorted((n.child_id == into, n.service_type) for n in needs) == [
            (False, "day_care"),
            (True, "day_care"),
        ]
