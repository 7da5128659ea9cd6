"""Notifications' composition root: the runtime plus the SMS setup (gateway, rules, secrets)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import MetaData

from services.notifications.gateways import SmsGateway
from services.notifications.models import TABLES, Base
from services.notifications.settings import SmsSetup, build_setup
from shared.config import Settings
from shared.runtime import MessagingTables, Runtime, runtime_settings

SERVICE = "notifications"


class NotificationsRuntime(Runtime):
    """The shared runtime plus the SMS setup its handlers, sender and callbacks use."""

    def __init__(
        self, settings: Settings, metadata: MetaData, tables: MessagingTables, sms: SmsSetup
    ) -> None:
        super().__init__(settings, metadata, tables)
        self.sms = sms


def runtime_from(
    config: dict[str, Any] | None = None,
    *,
    gateway: SmsGateway | None = None,
    rand: Callable[[], float] | None = None,
) -> NotificationsRuntime:
    """Wire the notifications runtime and its SMS setup from the environment, once.

    config overrides environment names; tests may hand in a ready gateway and the jitter source.
    """
    settings = runtime_settings(SERVICE, config)
    sms = build_setup(settings, gateway=gateway, rand=rand)
    return NotificationsRuntime(settings, Base.metadata, TABLES, sms)
