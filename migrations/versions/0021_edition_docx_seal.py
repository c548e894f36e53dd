"""an edition's Word version (its file, SHA-256 and size) and its seal (issue 16, items 3 and 4)

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-04 18:55:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('docx_stored_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('docx_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('docx_size', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('sealed_by', sa.String(length=300), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.drop_column('sealed_by')
        batch_op.drop_column('docx_size')
        batch_op.drop_column('docx_sha256')
        batch_op.drop_column('docx_stored_name')
