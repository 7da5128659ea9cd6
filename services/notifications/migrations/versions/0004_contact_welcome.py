"""contacts keep when the child was registered and whether urgently (a missed welcome SMS)

Revision ID: 0002_contact_welcome
Revises: 0002_access_audit
Create Date: 2026-12-04 18:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_contact_welcome"
down_revision = "0002_access_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("urgent", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("urgent")
        batch.drop_column("registered_at")
