"""HTTP plumbing every service shares, by concern: the error shape (errors), request parsing
(parsing), the checks before a view (guards), health/readiness/metrics and the request log
(ops), and the app factory (factory). Services import the names below from `shared.web`.
"""

from shared.web.context import current_runtime
from shared.web.errors import (
    ERROR_CODES,
    ErrorBodySchema,
    ErrorSchema,
    PlatformApi,
    error,
    error_body,
    refusal_body,
)
from shared.web.factory import CONTRACT_VERSION, build_app
from shared.web.guards import PUBLIC_BLUEPRINTS, public
from shared.web.ops import HealthSchema, ops
from shared.web.parsing import Blueprint, JsonParser

__all__ = [
    "CONTRACT_VERSION",
    "ERROR_CODES",
    "PUBLIC_BLUEPRINTS",
    "Blueprint",
    "ErrorBodySchema",
    "ErrorSchema",
    "HealthSchema",
    "JsonParser",
    "PlatformApi",
    "build_app",
    "current_runtime",
    "error",
    "error_body",
    "ops",
    "public",
    "refusal_body",
]
