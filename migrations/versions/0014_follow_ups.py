"""follow-up items (issue 15, item 2): each recommendation addressed to a party, answered in its next report

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 01:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

STATUSES = ('implemented', 'partly_implemented', 'not_implemented', 'no_longer_relevant')


def upgrade():
    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('action_codes', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='followupstatus', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_follow_up_report_id_report')),
    sa.ForeignKeyConstraint(['text_id'], ['commission_text.id'], name=op.f('fk_follow_up_text_id_commission_text')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_follow_up_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
    sa.UniqueConstraint('report_id', 'text_id', 'number', name=op.f('uq_follow_up_report_id_text_id_number'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_text_id'), ['text_id'], unique=False)


def downgrade():
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_text_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_report_id'))
    op.drop_table('follow_up')
