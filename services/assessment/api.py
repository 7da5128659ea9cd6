"""Assessment's resources: assessments with their worklist, and the instruments."""

from __future__ import annotations

from services.assessment.resources import assessments

BLUEPRINTS = [assessments.blp, assessments.instruments_blp]
