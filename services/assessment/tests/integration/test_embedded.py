"""The one-command local run: SQLite and the embedded broker, no server installed."""

import pytest

from services.assessment import app, bootstrap, handlers
from shared.testing import FakeClock, wait_for

from .support import ANSWERS_2_4, FAMILY, publish, registered, wait_for_assessment

pytestmark = pytest.mark.integration


def test_a_child_is_assessed_on_the_embedded_backend(service_harness):
    clock = FakeClock()
    harness = service_harness(
        "assessment", bootstrap.runtime_from, app.create_app, handlers.HANDLERS,
        backend="embedded", clock=clock,
    )  # fmt: skip
    harness.start_worker()
    case_manager = harness.auth("case_manager", ["rudaki"])
    event = registered(clock.now)
    publish(harness, event)
    item = wait_for_assessment(harness, event.payload["child_id"], case_manager)
    schedule = {"scheduled_for": "2026-11-26T09:30:00+05:00", "place": "home visit"}
    scheduled = harness.client.post(
        f"/assessments/{item['id']}/schedule", json=schedule, headers=case_manager
    )
    assert scheduled.get_json()["scheduled_for"] == "2026-11-26T09:30:00+05:00"
    done = harness.client.post(
        f"/assessments/{item['id']}/complete",
        json={"answers": ANSWERS_2_4, "family_context": FAMILY},
        headers=case_manager,
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["result"]["recommended_service_types"] == ["home_based", "day_care"]

    def outbox_sent():
        with harness.runtime.db.session() as session:
            rows = session.execute(harness.runtime.tables.outbox.select()).all()
            return len(rows) == 2 and all(r.published_at for r in rows)

    wait_for(outbox_sent, timeout=20, message="both events relayed")
    harness.stop_worker()
