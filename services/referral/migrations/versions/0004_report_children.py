"""report of every stage: the read model fed by events

Revision ID: 0002_report_children
Revises: 0002_access_audit
Create Date: 2026-12-04 18:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_report_children"
down_revision = "0002_access_audit"
branch_labels = None
depends_on = None

MOMENTS = (
    "registered", "assessed", "with_difficulty", "referred", "accepted", "started", "completed",
    "declined", "expired", "waitlisted", "left_waitlist",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "report_children",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("district_code", sa.String(length=50), nullable=True),
        sa.Column("region_code", sa.String(length=10), nullable=True),
        *(sa.Column(name, sa.DateTime(timezone=True), nullable=True) for name in MOMENTS),
        sa.PrimaryKeyConstraint("child_id"),
    )
    op.create_index(
        "ix_report_children_district_code", "report_children", ["district_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_report_children_district_code", table_name="report_children")
    op.drop_table("report_children")
