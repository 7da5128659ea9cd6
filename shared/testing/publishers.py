"""Stand-ins for the broker's publisher, for tests of what publishes (the outbox relay)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


class StandInPublisher:
    """Subclasses answer `publish(messages)` with the ids "confirmed" (or raise PublishError).

    `start` publishes at once and hands back the answer, so the relay's overlapping of one
    batch's marking with the next batch's sending runs as it does against a broker.
    """

    def publish(self, messages: Sequence[Any]) -> list[str]:
        raise NotImplementedError

    def start(self, messages: Sequence[Any]) -> Callable[[], list[str]]:
        confirmed = self.publish(messages)
        return lambda: confirmed

    def heartbeat(self) -> None:
        pass
