"""audit events carry the request they were written in (one access-log entry per page view)

Revision ID: 8d3a5f1c2e60
Revises: bfcbbca83049
Create Date: 2026-12-02 23:00:00+09:00

A page view writes one audit event per category it read; the access log groups them by this id.
Events written before it, or outside a request, have none and stand alone. Plain ALTER TABLE (no
batch copy of the table), so the append-only triggers stay as they are on both databases.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "8d3a5f1c2e60"
down_revision: str | None = "bfcbbca83049"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "audit_event", sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
    )
    op.create_index(op.f("ix_audit_event_request_id"), "audit_event", ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_event_request_id"), table_name="audit_event")
    op.execute("ALTER TABLE audit_event DROP COLUMN request_id")
