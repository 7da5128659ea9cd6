"""Assessment's composition root: the runtime plus the service's own settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from services.assessment.models import TABLES, Base
from services.assessment.settings import AssessmentSettings, read_assessment_settings
from shared.config import Settings
from shared.runtime import MessagingTables, Runtime, runtime_settings

SERVICE = "assessment"


class AssessmentRuntime(Runtime):
    """The shared runtime plus the due-date targets and walking rule, read once."""

    def __init__(
        self,
        settings: Settings,
        metadata: MetaData,
        tables: MessagingTables,
        assessment: AssessmentSettings,
    ) -> None:
        super().__init__(settings, metadata, tables)
        self.assessment = assessment


def runtime_from(config: dict[str, Any] | None = None) -> AssessmentRuntime:
    """Wire the assessment runtime from the environment (and a test config mapping), once."""
    settings = runtime_settings(SERVICE, config)
    return AssessmentRuntime(settings, Base.metadata, TABLES, read_assessment_settings(settings))
