"""access audit: who read which child's records

Revision ID: 0002_access_audit
Revises: 0002
Create Date: 2026-12-04 17:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_access_audit"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("resource", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("access_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_audit_child_id"), ["child_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("access_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_audit_child_id"))
    op.drop_table("access_audit")
