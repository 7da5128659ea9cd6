"""The families' SMS replies on the worklist: flagged when they arrive, cleared once answered."""

from __future__ import annotations

from datetime import datetime

from services.assessment.models import FamilyReply
from shared.db import get_unflushed
from shared.runtime import UnitOfWork


def received(uow: UnitOfWork, message_id: str, child_id: str, received_at: datetime) -> None:
    """Flag the child on the worklist: the family wrote and waits for an answer."""
    key = (message_id, child_id)
    if get_unflushed(uow.session, FamilyReply, key) is None:
        uow.session.add(
            FamilyReply(message_id=message_id, child_id=child_id, received_at=received_at)
        )


def answered(uow: UnitOfWork, child_id: str, message_ids: list[str], answered_at: datetime) -> None:
    """Clear the flag of the replies the case manager answered."""
    for message_id in message_ids:
        reply = get_unflushed(uow.session, FamilyReply, (message_id, child_id))
        if reply is not None and reply.answered_at is None:
            reply.answered_at = answered_at
