"""Quality's resources: standards, inspections with their actions, contracts."""

from __future__ import annotations

from services.quality.resources import contracts, inspections, standards

BLUEPRINTS = [standards.blp, inspections.blp, contracts.blp]
