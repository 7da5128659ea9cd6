"""SMS figures for /metrics, read from the database at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.notifications.models import Notification
from shared.metrics import Cached
from shared.runtime import Runtime


class SmsCollector:
    """Notifications and billed segments per status and recipient.

    A count over every SMS ever planned: read at most every `TOTALS_MAX_AGE_SECONDS` per
    process (shared/metrics.py), not on every scrape.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._rows = Cached(self._read)

    def _read(self) -> list:
        query = select(
            Notification.status,
            Notification.recipient,
            func.count(Notification.id),
            func.coalesce(func.sum(Notification.segments), 0),
        ).group_by(Notification.status, Notification.recipient)
        with self.runtime.db.session() as session:
            return list(session.execute(query).all())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            rows = self._rows.get()
        except Exception:
            return  # a scrape must not fail because the database is away
        count = GaugeMetricFamily(
            "platform_sms_notifications", "SMS notifications", labels=["status", "recipient"]
        )
        segments = GaugeMetricFamily(
            "platform_sms_segments", "SMS segments (billing units)", labels=["status", "recipient"]
        )
        for status, recipient, how_many, segment_sum in rows:
            count.add_metric([status, recipient], how_many)
            segments.add_metric([status, recipient], segment_sum)
        yield count
        yield segments
