"""python -m services.referral.seed: load the demo providers (safe to repeat; keyed by name)."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from pathlib import Path

from sqlalchemy import select

from services.referral.bootstrap import runtime_from
from services.referral.models import Provider
from services.referral.resources.providers import DEFAULTS
from services.referral.schemas.providers import ProviderInputSchema
from shared.logging import configure_logging
from shared.runtime import Runtime

DEMO_PROVIDERS = Path(__file__).resolve().parent / "data" / "demo_providers.json"
log = logging.getLogger(__name__)


def seed_providers(runtime: Runtime, path: Path = DEMO_PROVIDERS) -> int:
    """Add every provider of the file that is not in the directory yet; return how many."""
    items = json.loads(path.read_text(encoding="utf-8"))["providers"]
    schema = ProviderInputSchema()
    added = 0
    with runtime.unit_of_work() as uow:
        known = set(uow.session.execute(select(Provider.name)).scalars())
        for item in items:
            data = schema.load(item)
            if data["name"] in known:
                continue
            uow.session.add(
                Provider(
                    id=str(uuid.uuid4()),
                    **{**DEFAULTS, **data},
                    created_at=uow.now,
                    updated_at=uow.now,
                )
            )
            added += 1
    return added


def main() -> int:
    """Seed the database named by DATABASE_URL."""
    runtime = runtime_from()
    configure_logging("referral-seed", runtime.settings.log_level)
    added = seed_providers(runtime)
    log.info("demo providers loaded", extra={"fields": {"added": added}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
