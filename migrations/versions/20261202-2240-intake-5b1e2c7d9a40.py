"""intake: the centre's case number (unique within a centre) and an estimated date of birth

Revision ID: 5b1e2c7d9a40
Revises: 30d078a4b460
Create Date: 2026-12-02 13:20:00+09:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5b1e2c7d9a40"
down_revision: str | None = "30d078a4b460"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("child") as batch:
        batch.add_column(
            sa.Column("date_of_birth_estimated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("case_number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch.create_unique_constraint("uq_child_centre_case_number", ["responsible_centre_id", "case_number"])


def downgrade() -> None:
    with op.batch_alter_table("child") as batch:
        batch.drop_constraint("uq_child_centre_case_number", type_="unique")
        batch.drop_column("case_number")
        batch.drop_column("date_of_birth_estimated")
