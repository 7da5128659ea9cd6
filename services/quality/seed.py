"""python -m services.quality.seed: load the demo standards (safe to repeat; one per type)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from sqlalchemy import select

from services.quality.bootstrap import runtime_from
from services.quality.flows.standards import publish_version
from services.quality.models import Standard
from services.quality.schemas.standards import StandardInputSchema
from shared.logging import configure_logging
from shared.runtime import Runtime

DEMO_STANDARDS = Path(__file__).resolve().parent / "data" / "demo_standards.json"
log = logging.getLogger(__name__)


def seed_standards(runtime: Runtime, path: Path = DEMO_STANDARDS) -> int:
    """Publish version 1 of each demo standard whose service type has none yet."""
    items = json.loads(path.read_text(encoding="utf-8"))["standards"]
    schema = StandardInputSchema()
    added = 0
    with runtime.unit_of_work() as uow:
        known = set(uow.session.execute(select(Standard.service_type)).scalars())
        for item in items:
            data = schema.load(item)
            if data["service_type"] not in known:
                publish_version(uow, data, "seed")
                added += 1
    return added


def main() -> int:
    """Seed the database named by DATABASE_URL."""
    runtime = runtime_from()
    configure_logging("quality-seed", runtime.settings.log_level)
    added = seed_standards(runtime)
    log.info("demo standards loaded", extra={"fields": {"added": added}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
