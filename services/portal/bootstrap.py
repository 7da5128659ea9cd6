"""The portal's composition root: settings, its database and the API clients, built once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.portal.apis import ApiClients, Caller
from services.portal.settings import PortalSettings, load_portal_settings
from shared.db import Database


@dataclass
class Portal:
    """Everything a request handler needs, built once per process."""

    settings: PortalSettings
    db: Database
    apis: ApiClients


def build_portal(
    settings: PortalSettings | None = None,
    *,
    apis: ApiClients | None = None,
    caller: Callable[[], Caller | None] | None = None,
) -> Portal:
    """Wire settings, database and API clients (tests may pass their own API clients)."""
    settings = settings or load_portal_settings()
    db = Database(settings.database_url)
    return Portal(settings=settings, db=db, apis=apis or ApiClients(settings, caller))
