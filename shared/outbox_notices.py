"""PostgreSQL tells a relay that outbox rows were committed, in whichever process wrote them.

An API process commits events the worker's relay must publish. Without a notice the relay can
only look every few milliseconds, which an idle platform pays for all day (a query per relay
twenty times a second). Each transaction that writes outbox rows also sends `NOTIFY outbox`
(shared/outbox_writes.py), which PostgreSQL delivers at commit, and only then; the relay's
listener wakes it. The relay still looks now and then (`OUTBOX_SAFETY_POLL_SECONDS`): a notice
is not stored anywhere, so one sent while the listener was reconnecting is not seen, and rows
are never left waiting for a notice. While the listener is not connected the relay polls at
`OUTBOX_POLL_SECONDS`, as on SQLite, which has no notices.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from shared.outbox_writes import NOTIFY_CHANNEL

log = logging.getLogger(__name__)


class OutboxNotices:
    """Listens for `NOTIFY outbox` on its own connection and sets the relay's wake event."""

    def __init__(
        self,
        database_url: str,
        wake: threading.Event,
        stop: threading.Event,
        *,
        wait_seconds: float = 1.0,
        ping_seconds: float = 30.0,
        engine: Any = None,
    ) -> None:
        # Its own engine without a pool: one long-lived connection, never lent to a request.
        self.engine = engine or create_engine(
            database_url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            hide_parameters=True,
            connect_args={"connect_timeout": 3},
        )
        self.wake = wake
        self.stop = stop
        self.wait_seconds = wait_seconds
        self.ping_seconds = ping_seconds
        self._listening = threading.Event()

    @property
    def listening(self) -> bool:
        """True while notices arrive: the relay may then look for rows only now and then."""
        return self._listening.is_set()

    def run(self) -> None:
        """Listen until stopped; reconnect after a lost connection, waking the relay each time."""
        backoff = 0.5
        lost = False
        while not self.stop.is_set():
            try:
                with self.engine.connect() as connection:
                    driver = connection.connection.driver_connection
                    driver.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    # Rows committed while nobody listened are found by this first look.
                    self.wake.set()
                    self._listening.set()
                    if lost:
                        log.info("outbox notices are back")
                    lost, backoff = False, 0.5
                    self._listen(driver)
            except Exception as exc:
                self._listening.clear()
                self.wake.set()
                if not lost:
                    log.warning(
                        "outbox notices lost; the relay polls until they are back",
                        extra={"fields": {"error": type(exc).__name__}},
                    )
                lost = True
                self.stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
        self._listening.clear()
        self.engine.dispose()

    def _listen(self, driver: Any) -> None:
        pinged = time.monotonic()
        while not self.stop.is_set():
            # Returns after wait_seconds with no notice, so a stop is seen within that time.
            for _notice in driver.notifies(timeout=self.wait_seconds, stop_after=1):
                self.wake.set()
            if driver.closed or driver.broken:
                raise ConnectionError("the listening connection closed")
            if time.monotonic() - pinged >= self.ping_seconds:
                # A server gone without closing the connection shows only when asked something.
                driver.execute("SELECT 1")
                pinged = time.monotonic()
