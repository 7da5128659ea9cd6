"""care plan revisions (earlier goals kept, reviews say which revision) and the closing note

Revision ID: 0010_care_plan_revisions
Revises: 0009_outbox_failed
Create Date: 2026-12-05 08:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_care_plan_revisions"
down_revision = "0009_outbox_failed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("care_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("close_note", sa.String(length=1000), nullable=True))
    with op.batch_alter_table("care_plan_reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("plan_revision", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_table(
        "care_plan_versions",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["care_plans.id"]),
        sa.PrimaryKeyConstraint("plan_id", "revision"),
    )


def downgrade() -> None:
    op.drop_table("care_plan_versions")
    with op.batch_alter_table("care_plan_reviews", schema=None) as batch_op:
        batch_op.drop_column("plan_revision")
    with op.batch_alter_table("care_plans", schema=None) as batch_op:
        batch_op.drop_column("close_note")
        batch_op.drop_column("revision")
