"""A portal on stand-in APIs in this process, for browser tests of the case pages' behaviour."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from services.portal.accounts import create_user
from services.portal.app import create_app
from services.portal.models import Base
from services.portal.settings import load_portal_settings
from services.portal.tests.integration.casework_fakes import (
    ASSESSMENT_ID,
    CHILD_ID,
    RESULT,
    FakeApis,
)
from tests.browser.portal import AXE_TAGS

PASSWORD = "Casework pass 2026!"
DONE_ID = "a5e55e55-0000-4000-8000-000000000002"


@dataclass
class FakePortal:
    """A running portal: its base URL, its stand-in APIs and a case manager's login."""

    url: str
    apis: FakeApis
    username: str = "manager"

    def pages(self) -> dict[str, str]:
        """Each case page by a short name, with stand-in records behind it."""
        return {
            "worklist": "/worklist",
            "child": f"/children/{CHILD_ID}",
            "assessment": f"/assessments/{ASSESSMENT_ID}",
            "result": f"/assessments/{DONE_ID}",
            "matches": f"/children/{CHILD_ID}/matches?service_type=day_care",
            "correct": f"/children/{CHILD_ID}/correct",
        }


def _story(apis: FakeApis) -> None:
    """Give the stand-ins a child with a scheduled visit, a result, an SMS, a reply."""
    apis.assessment_record.update(
        status="scheduled", scheduled_for="2030-12-01T10:00:00+05:00", place="Гулистон"
    )
    done = copy.deepcopy(apis.assessment_record)
    done.update(
        id=DONE_ID,
        status="completed",
        result=copy.deepcopy(RESULT),
        completed_at="2026-11-27T06:00:00+00:00",
        priority="urgent",
        functional_difficulty=True,
        recommended_service_types=["home_based", "day_care"],
    )
    apis.assessment.answer("GET", f"/assessments/{DONE_ID}", done)
    sms = {
        "id": "n1",
        "recipient": "guardian",
        "status": "delivered",
        "text": "Фарзона ба қайд гирифта шуд.",
        "created_at": "2026-11-25T09:01:00+00:00",
    }
    reply = {"id": "m1", "child_id": CHILD_ID, "action": "recorded", "text": "Кай меоед?",
             "received_at": "2026-11-26T10:00:00+00:00"}  # fmt: skip
    apis.notifications.answer("GET", "/notifications", {"items": [sms]})
    apis.notifications.answer("GET", "/inbound-messages", {"items": [reply]})


@contextmanager
def fake_portal(workdir: Path) -> Iterator[FakePortal]:
    """Serve a portal on a free port with stand-in APIs and one case manager."""
    apis = FakeApis()
    _story(apis)
    settings = load_portal_settings({"DATABASE_URL": f"sqlite:///{workdir / 'portal.db'}"})
    app = create_app(settings, apis=apis)
    Base.metadata.create_all(app.extensions["portal"].db.engine)
    with app.extensions["portal"].db.session() as db:
        create_user(db, username="manager", password=PASSWORD, role="case_manager",
                    districts=["rudaki", "vahdat"], language="tg")  # fmt: skip
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FakePortal(f"http://127.0.0.1:{server.server_port}", apis)
    finally:
        server.shutdown()
        thread.join(timeout=10)


def log_in(page, url: str, username: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    """Log in through the login form."""
    page.goto(f"{url}/login")
    page.fill("[name=username]", username)
    page.fill("[name=password]", password)
    page.click("form [type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)


def axe_violations(page) -> list[dict]:  # noqa: ANN001
    """Run axe-core's WCAG 2.2 AA rules on the page; return the violations."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    return Axe().run(page, options=options).response["violations"]
