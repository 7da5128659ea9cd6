"""referral's resources (filled in by the service's own work)."""

from __future__ import annotations

BLUEPRINTS: list = []
