"""A need a consumer opens is written at once, so a referral sent meanwhile waits and reuses it."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import OperationalError

from services.referral.flows.placing import need_for
from services.referral.models import Need
from shared.testing import wait_for

from .support import register_child

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
