"""Notifications' resources: SMS records, family replies and messages, the gateways' callbacks."""

from __future__ import annotations

from services.notifications.resources import gateway, kannel, notifications

BLUEPRINTS = [
    notifications.blp,
    notifications.replies_blp,
    notifications.children_blp,
    gateway.blp,
    kannel.blp,
]
