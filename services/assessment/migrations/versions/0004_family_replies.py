"""families' replies waiting for the case manager

Revision ID: 0002_family_replies
Revises: 0002_access_audit
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_family_replies"
down_revision = "0002_access_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_replies",
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("child_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("message_id", "child_id"),
    )
    op.create_index("ix_family_replies_child_id", "family_replies", ["child_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_family_replies_child_id", table_name="family_replies")
    op.drop_table("family_replies")
