"""Real Kannel (bearerbox, smsbox, fakesmsc) in front of the notifications service on HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from services.notifications import app, bootstrap, handlers
from services.notifications.tests.kannel import box as kannel
from shared.testing import FakeClock

SECRET = "kannel-test-receipt-secret-of-at-least-32-bytes"
SENDER = "EarlyHelp"
MORNING = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # 10:00 in Dushanbe


@pytest.fixture(scope="session")
def kannel_binaries() -> None:
    """The Kannel programs from the system packages: a failure in CI, a skip elsewhere."""
    kannel.require_kannel()


class Served:
    """The notifications app on a given port, so that Kannel can call it back."""

    def __init__(self, flask_app, port: int) -> None:
        self._server = make_server("127.0.0.1", port, flask_app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


def inbound_url(base: str) -> str:
    """The sms-service get-url of contract §8, with Kannel's placeholders left raw."""
    return f"{base}/gateways/kannel/inbound?{urlencode({'secret': SECRET})}&from=%p&text=%b&at=%T"


@pytest.fixture
def kannel_platform(kannel_binaries, service_harness, tmp_path: Path) -> Iterator[tuple]:
    """(service, box): notifications with SMS_GATEWAY=kannel, Kannel with the fake SMS centre."""
    app_port = kannel.free_port()
    base = f"http://127.0.0.1:{app_port}"
    folder = tmp_path / "kannel"
    folder.mkdir()
    box = kannel.KannelBox(folder, inbound_url=inbound_url(base))
    service = service_harness(
        "notifications",
        partial(bootstrap.runtime_from, rand=lambda: 0.0),  # a retry is due at once
        app.create_app,
        handlers.HANDLERS,
        handlers.TIMERS,
        backend="real",
        clock=FakeClock(MORNING),
        env={
            "SMS_GATEWAY": "kannel",
            "SMS_RECEIPT_SECRET": SECRET,
            "KANNEL_SENDSMS_URL": box.sendsms_url,
            "KANNEL_USERNAME": kannel.USERNAME,
            "KANNEL_PASSWORD": kannel.PASSWORD,
            "KANNEL_SENDER": SENDER,
            "KANNEL_CALLBACK_BASE_URL": base,
            "KANNEL_TIMEOUT": "2",
            "SMS_MAX_ATTEMPTS": "3",
        },
    )
    served = Served(service.app, app_port)
    try:
        box.start()
        yield service, box
    except Exception:
        print(box.logs())
        raise
    finally:
        box.stop()
        served.close()
