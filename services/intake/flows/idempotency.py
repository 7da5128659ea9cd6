"""Idempotency-Key: a repeated request gets the original response and creates nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.intake.models import IdempotencyKey
from shared.refusals import Refused

MAX_KEY_LENGTH = 200


class KeyReused(Refused):
    """The key was used before with a different request body."""

    def __init__(self, key: str) -> None:
        super().__init__(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different body",
        )
        self.key = key


@dataclass(frozen=True)
class Replay:
    """The stored response of the request first made with this key."""

    status_code: int
    body: dict[str, Any]


def request_hash(body: Any) -> str:
    """Return a hash of the request body that ignores key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def replay(session: Session, owner: str, key: str, body_hash: str) -> Replay | None:
    """Return the stored response for this key, None if it is new; KeyReused on another body."""
    row = session.get(IdempotencyKey, (owner, key))
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise KeyReused(key)
    return Replay(row.status_code, row.response or {})


def known_keys(session: Session, owner: str, keys: list[str]) -> set[str]:
    """Return which of these keys were used before."""
    query = select(IdempotencyKey.key).where(
        IdempotencyKey.owner == owner, IdempotencyKey.key.in_(keys)
    )
    return set(session.execute(query).scalars())


def claim(session: Session, owner: str, key: str, body_hash: str, now: datetime) -> IdempotencyKey:
    """Insert the key now, so a concurrent request with the same key waits and then fails."""
    row = IdempotencyKey(
        owner=owner, key=key, request_hash=body_hash, status_code=0, response=None, created_at=now
    )
    session.add(row)
    session.flush()
    return row


def remember(
    session: Session, owner: str, key: str, body: dict[str, Any], child_id: str, now: datetime
) -> None:
    """Store a key and its response at once (an import row: nothing runs concurrently)."""
    session.add(
        IdempotencyKey(
            owner=owner,
            key=key,
            request_hash=key,
            status_code=201,
            response=body,
            child_id=child_id,
            created_at=now,
        )
    )


def complete(row: IdempotencyKey, status_code: int, body: dict[str, Any], child_id: str) -> None:
    """Store the response the claimed request got (committed with the change it made)."""
    row.status_code = status_code
    row.response = body
    row.child_id = child_id


def replace_responses(session: Session, child_id: str, body: dict[str, Any]) -> None:
    """Replace stored responses about a child (after its personal data is erased)."""
    session.execute(
        update(IdempotencyKey).where(IdempotencyKey.child_id == child_id).values(response=body)
    )
