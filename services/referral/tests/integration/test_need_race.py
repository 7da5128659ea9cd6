"""A need a consumer opens is written at once, so a referral sent meanwhile waits and reuses it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import OperationalError

from services.referral.flows.placing import need_for
from services.referral.models import Need

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
