"""access audit: who read which child's records

Revision ID: 0002_access_audit
Revises: 0002
Create Date: 2026-12-04 17:40:00
"""

from shared.migrations import create_access_audit, drop_access_audit

revision = "0002_access_audit"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_audit()


def downgrade() -> None:
    drop_access_audit()
