"""providers' names in Tajik and Russian

Revision ID: 0003_provider_names
Revises: 0002_report_children
Create Date: 2026-12-04 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_provider_names"
down_revision = "0002_report_children"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.add_column(sa.Column("name_tg", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("name_ru", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("name_ru")
        batch.drop_column("name_tg")
