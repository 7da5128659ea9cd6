"""outbox: refusals and failed_at (a row the broker keeps refusing stops being retried)

Revision ID: 0006_outbox_failed
Revises: 0003_reply_children
Create Date: 2026-12-05 08:00:00
"""

from shared.migrations import add_outbox_failed_state, drop_outbox_failed_state

revision = "0006_outbox_failed"
down_revision = "0003_reply_children"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_failed_state()


def downgrade() -> None:
    drop_outbox_failed_state()
