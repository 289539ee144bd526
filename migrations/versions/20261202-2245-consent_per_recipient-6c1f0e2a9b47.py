"""consent per recipient: family members' own contact details, the caseworker's agreement

Revision ID: 6c1f0e2a9b47
Revises: 5b1e2c7d9a40
Create Date: 2026-12-02 22:45:00+09:00

A consent now names the one person it shows contact details to. Consents recorded before had no
recipient (a foster household's consent reached the whole birth family at once); they are withdrawn
here, so nobody keeps seeing details on a consent that was never given to them in particular. The
rows are kept (withdrawn, not deleted) as the record of what was agreed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.modeling
from app import clock

revision: str = '6c1f0e2a9b47'
down_revision: str | None = '5b1e2c7d9a40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

consent = sa.table(
    'consent',
    sa.column('recipient_person_id', sa.Uuid()),
    sa.column('household_id', sa.Uuid()),
    sa.column('withdrawn_at', app.modeling.UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_person_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('recipient_person_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('agreed_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column('agreed_at', app.modeling.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column('household_id', existing_type=sa.Uuid(), nullable=True)
        batch_op.create_index(batch_op.f('ix_consent_subject_person_id'), ['subject_person_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_consent_recipient_person_id'), ['recipient_person_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_consent_subject_person_id_person'), 'person', ['subject_person_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_consent_recipient_person_id_person'), 'person', ['recipient_person_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_consent_agreed_by_id_person'), 'person', ['agreed_by_id'], ['id']
        )
    # Household-wide consents (no recipient) no longer count: withdraw them, keep them on record.
    op.execute(
        consent.update()
        .where(consent.c.recipient_person_id.is_(None), consent.c.withdrawn_at.is_(None))
        .values(withdrawn_at=clock.now())
    )


def downgrade() -> None:
    # A family member's consent has no household and cannot be kept in the old shape.
    op.execute(consent.delete().where(consent.c.household_id.is_(None)))
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consent_agreed_by_id_person'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_consent_recipient_person_id_person'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_consent_subject_person_id_person'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_consent_recipient_person_id'))
        batch_op.drop_index(batch_op.f('ix_consent_subject_person_id'))
        batch_op.alter_column('household_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_column('agreed_at')
        batch_op.drop_column('agreed_by_id')
        batch_op.drop_column('recipient_person_id')
        batch_op.drop_column('subject_person_id')
