"""the arrangement a priority action comes from: when and where it was agreed, and its reference

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 02:55:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('priority_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('agreed_at', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('arrangement_reference', sa.String(length=300), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('priority_action', schema=None) as batch_op:
        batch_op.drop_column('arrangement_reference')
        batch_op.drop_column('agreed_at')
        batch_op.drop_column('agreed_on')
