"""Each service's handler registry matches its row of the subscription table, and vice versa."""

import importlib

import pytest

from shared.events import REGISTRY
from shared.subscriptions import SUBSCRIPTIONS

CONTRACT_EVENT_TYPES = {
    "child.registered", "child.updated", "child.consent_withdrawn", "child.corrected",
    "child.merged",
    "assessment.scheduled", "assessment.completed",
    "referral.sent", "referral.accepted", "referral.declined", "referral.expired",
    "referral.waitlisted", "referral.completed",
    "notification.sent", "notification.delivered", "notification.failed",
}  # fmt: skip


@pytest.mark.parametrize("service", sorted(SUBSCRIPTIONS))
def test_handler_registry_matches_subscriptions(service):
    handlers = importlib.import_module(f"services.{service}.handlers").HANDLERS
    assert set(handlers) == set(SUBSCRIPTIONS[service])


def test_every_contract_event_has_a_version_1_schema():
    assert {t for t, v in REGISTRY if v == 1} >= CONTRACT_EVENT_TYPES


def test_every_subscribed_type_has_a_schema():
    subscribed = {t for types in SUBSCRIPTIONS.values() for t in types}
    assert subscribed <= {t for t, _ in REGISTRY}
