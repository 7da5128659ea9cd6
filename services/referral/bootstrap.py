"""Referral's composition root: the runtime plus its deadline policy and stage reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from services.referral.domain.deadlines import DeadlinePolicy
from services.referral.flows import stages
from services.referral.models import TABLES, Base
from services.referral.settings import read_deadline_policy
from shared.config import Settings
from shared.runtime import MessagingTables, Runtime, runtime_settings

SERVICE = "referral"


class ReferralRuntime(Runtime):
    """The shared runtime plus the response and reminder deadlines, read once."""

    def __init__(
        self,
        settings: Settings,
        metadata: MetaData,
        tables: MessagingTables,
        deadlines: DeadlinePolicy,
    ) -> None:
        super().__init__(settings, metadata, tables)
        self.deadlines = deadlines


def runtime_from(config: dict[str, Any] | None = None) -> ReferralRuntime:
    """Wire the referral runtime from the environment (and a test config mapping), once."""
    settings = runtime_settings(SERVICE, config)
    runtime = ReferralRuntime(settings, Base.metadata, TABLES, read_deadline_policy(settings))
    # The report of every stage follows referral's own events in the transaction emitting them.
    runtime.emit_listeners.append(stages.record)
    return runtime
