"""Intake's resources: registered children, duplicate merges and the districts list."""

from __future__ import annotations

from services.intake.resources import children, districts, merges

BLUEPRINTS = [children.blp, merges.blp, districts.blp]
