"""Event type → handler: the subscriptions of this service at a glance."""

from __future__ import annotations

from shared.events import Event
from shared.handling import Handler
from shared.runtime import UnitOfWork
from shared.subscriptions import SUBSCRIPTIONS
from shared.worker import Timer


def _not_yet(uow: UnitOfWork, event: Event) -> None:
    """Acknowledge an event this skeleton does not act on yet."""


HANDLERS: dict[str, Handler] = {t: _not_yet for t in SUBSCRIPTIONS["referral"]}
TIMERS: list[Timer] = []
