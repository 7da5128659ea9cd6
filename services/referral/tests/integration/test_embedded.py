"""The same loop on the embedded defaults (SQLite, server-less broker) a newcomer runs."""

import pytest

from services.referral.flows.timers import expire_due
from services.referral.seed import seed_providers

from .support import (
    act,
    assess,
    case_manager,
    make_referral_service,
    outbox,
    provider_user,
    refer,
    register_child,
)


@pytest.fixture
def embedded(service_harness, clock):
    return make_referral_service(service_harness, backend="embedded", clock=clock)


def test_demo_providers_and_the_loop_on_sqlite(embedded, clock):
    assert seed_providers(embedded.runtime) == 20
    assert seed_providers(embedded.runtime) == 0
    child = register_child(embedded)
    assess(embedded, child)
    ranked = embedded.client.get(
        f"/children/{child}/matches?service_type=day_care", headers=case_manager(embedded)
    ).get_json()["items"]
    assert ranked[0]["provider"]["name"] == "Day-care centre for children with disabilities, Rudaki"
    first = refer(embedded, child, ranked[0]["provider"]["id"]).get_json()
    staff = provider_user(embedded, first["provider_id"])
    declined = act(embedded, first["id"], "decline", {"reason": "family_unreachable"}, staff)
    assert declined.status_code == 200
    second = refer(embedded, child, ranked[1]["provider"]["id"]).get_json()
    clock.advance(hours=72)
    assert expire_due(embedded.runtime) == 1
    assert [e["type"] for e in outbox(embedded) if e["type"] != "referral.sent"] == [
        "referral.declined",
        "referral.expired",
    ]
    assert second["status"] == "sent"
