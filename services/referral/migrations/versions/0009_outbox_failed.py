"""outbox: refusals and failed_at (a row the broker keeps refusing stops being retried)

Revision ID: 0009_outbox_failed
Revises: 0006
Create Date: 2026-12-05 08:00:00
"""

from shared.migrations import add_outbox_failed_state, drop_outbox_failed_state

revision = "0009_outbox_failed"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_failed_state()


def downgrade() -> None:
    drop_outbox_failed_state()
