"""key progress written, not cut (issue 15): the party's summary of an entry, the reviewer's edited
version for the consolidated report; the cover's subject codes and "From" per round

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 15:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('entry_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_summary', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('reporting_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_from', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('subject_codes', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('reporting_round', schema=None) as batch_op:
        batch_op.drop_column('subject_codes')
        batch_op.drop_column('cover_from')
    with op.batch_alter_table('entry_review', schema=None) as batch_op:
        batch_op.drop_column('report_summary')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('summary')
