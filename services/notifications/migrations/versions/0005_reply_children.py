"""families' replies linked to each child of the phone, answered by the case manager

Revision ID: 0003_reply_children
Revises: 0002_contact_welcome
Create Date: 2026-12-04 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_reply_children"
down_revision = "0002_contact_welcome"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_message_children",
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=64), nullable=False),
        sa.Column("district_code", sa.String(length=100), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("answer_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("message_id", "child_id"),
    )
    op.create_index(
        "ix_inbound_message_children_child_id", "inbound_message_children", ["child_id"]
    )
    op.create_index(
        "ix_inbound_message_children_district_code",
        "inbound_message_children",
        ["district_code"],
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_message_children_district_code", "inbound_message_children")
    op.drop_index("ix_inbound_message_children_child_id", "inbound_message_children")
    op.drop_table("inbound_message_children")
