"""The platform wired to a stand-in SMS gateway and an event tap, for journeys and fault tests."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.testing import EventTap
from shared.testing.fixtures import delete_namespace
from shared.testing.platform import Platform
from shared.testing.sms_gateway import FakeSmsGateway

GATEWAY_TOKEN = "e2e-gateway-token"
# The SMS sender's clocks, shortened so a killed sender's claim or a retry resolves in seconds;
# the gateway timeouts stay below the claim, as the notifications README requires.
FAST_SMS = {
    "SMS_CLAIM_SECONDS": "5",
    "SMS_HTTP_CONNECT_TIMEOUT": "1",
    "SMS_HTTP_TIMEOUT": "3",
    "SMS_RETRY_BASE_SECONDS": "1",
    "SMS_RETRY_CAP_SECONDS": "5",
}


class StandInGateway(FakeSmsGateway):
    """The local stand-in gateway, with a switch that makes it refuse every SMS (SMSC down)."""

    def __init__(self, token: str | None = GATEWAY_TOKEN) -> None:
        super().__init__(token)
        self.down = threading.Event()

    def handle_send(self, fields: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        """Refuse with 503 while down; otherwise behave as the stand-in does."""
        if self.down.is_set():
            return 503, {"error": {"code": "smsc_down"}}, 0.0
        return super().handle_send(fields)


class TunedPlatform(Platform):
    """A Platform that also hands settings docker-compose.yml does not list to every process."""

    def __init__(
        self,
        postgres_url: str,
        broker_url: str,
        workdir: Path,
        extra_env: dict[str, str] | None = None,
        *,
        migrate: bool = True,
        **overrides: str,
    ) -> None:
        super().__init__(postgres_url, broker_url, workdir, migrate=migrate, **overrides)
        self.extra_env = dict(extra_env or {})

    def _process(self, name: str, spec: dict[str, Any]) -> Any:
        process = super()._process(name, spec)
        process.env.update(self.extra_env)
        return process

    def down(self) -> None:
        """Stop everything; also delete retry queues named after non-default retry delays."""
        super().down()
        delays = self.extra_env.get("RETRY_DELAYS")
        if delays:
            retry_delays = tuple(float(d) for d in delays.split(","))
            delete_namespace(self.broker_url, self.namespace, retry_delays)

    def service_env(self, service: str) -> dict[str, str]:
        """Return the environment a service's worker runs with (for its command-line tools)."""
        return dict(self.processes[f"{service}-worker"].env)


@dataclass
class Chain:
    """A running platform, the SMS gateway its notifications worker talks to, and an event tap."""

    platform: TunedPlatform
    gateway: StandInGateway
    tap: EventTap | None

    def sms_to(self, phone: str) -> list[str]:
        """Return the texts the gateway accepted for a phone, in the order they arrived."""
        return [item.text for item in self.gateway.sent_to(phone)]

    def new_tap(self) -> EventTap:
        """Replace the tap (its queue dies with the broker) and return the new one."""
        if self.tap is not None:
            with contextlib.suppress(Exception):
                self.tap.close()
        self.tap = EventTap(self.platform.broker_url, self.platform.namespace)
        return self.tap


@contextlib.contextmanager
def chain_running(
    postgres_url: str,
    broker_url: str,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    tap: bool = True,
    migrate: bool = True,
    **overrides: str,
) -> Iterator[Chain]:
    """Run the eight processes with SMS going to a local stand-in gateway; always clean up.

    migrate=False starts on copies of the migrated templates (see Platform). tap=False leaves
    out the event tap. A cluster test should run what production runs: the tap's queue is a
    classic one on a single node, and RabbitMQ may refuse a publish routed to a queue whose node
    is down, even when every other queue took it.
    """
    gateway = StandInGateway().start()
    settings = {
        "SMS_GATEWAY": "http",
        "SMS_HTTP_URL": gateway.url,
        "SMS_HTTP_STATUS_URL": gateway.status_url,
        "SMS_HTTP_TOKEN": GATEWAY_TOKEN,
        "QUIET_HOURS": "",
        # Deadlines of seconds must not wait for the next working day.
        "REFERRAL_WORKING_HOURS": "off",
        **overrides,
    }
    platform = TunedPlatform(
        postgres_url,
        broker_url,
        workdir,
        {**FAST_SMS, **(extra_env or {})},
        migrate=migrate,
        **settings,
    )
    chain: Chain | None = None
    try:
        platform.up()
        chain = Chain(platform, gateway, EventTap(broker_url, platform.namespace) if tap else None)
        yield chain
    finally:
        if chain is not None and chain.tap is not None:
            with contextlib.suppress(Exception):
                chain.tap.close()
        platform.down()
        gateway.stop()
