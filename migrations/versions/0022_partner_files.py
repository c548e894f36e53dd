"""the partner's own files: offline forms its institutions filled in, kept but never frozen for the Commission

Revision ID: 0022
Revises: 0017
Create Date: 2026-12-04 19:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_internal', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('partner_internal')
