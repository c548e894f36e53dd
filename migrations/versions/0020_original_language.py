"""an entry's texts in the party's own language beside the English (issue 17, item 4)

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-04 19:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_language', sa.String(length=12), server_default='', nullable=False))
        batch_op.add_column(sa.Column('original_texts', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('original_texts')
        batch_op.drop_column('original_language')
