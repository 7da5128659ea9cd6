"""Assessment reads its own settings once, at start, from the environment it was given."""

from __future__ import annotations

import pytest

from services.assessment.bootstrap import runtime_from
from services.assessment.settings import assessment_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for name in ("ASSESSMENT_WALKING_RULE", "DATABASE_URL", "BROKER_URL", "JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))


def test_the_walking_rule_is_read_at_start_and_kept(monkeypatch):
    monkeypatch.setenv("ASSESSMENT_WALKING_RULE", "with_equipment")
    runtime = runtime_from()
    monkeypatch.setenv("ASSESSMENT_WALKING_RULE", "without_equipment")
    assert assessment_settings(runtime).walking_rule == "with_equipment"
    runtime.db.dispose()


def test_an_unknown_walking_rule_stops_the_service_at_start():
    with pytest.raises(ValueError, match="ASSESSMENT_WALKING_RULE"):
        runtime_from({"ASSESSMENT_WALKING_RULE": "sometimes"})
