"""Event type → handler. Quality consumes no events; its worker relays its outbox."""

from __future__ import annotations

from shared.handling import Handler

HANDLERS: dict[str, Handler] = {}

TIMERS: list = []
