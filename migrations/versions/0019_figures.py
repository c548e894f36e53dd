"""figures per action: indicators (from the catalogue or added to a round) and each entry's numbers

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-04 19:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_version_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=20), nullable=False),
        sa.Column('disaggregation', sa.String(length=10), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_indicator_action_id_action')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_indicator_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['plan_version_id'], ['plan_version.id'],
                                name=op.f('fk_indicator_plan_version_id_plan_version')),
        sa.ForeignKeyConstraint(['round_id'], ['reporting_round.id'],
                                name=op.f('fk_indicator_round_id_reporting_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_plan_version_id'), ['plan_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_round_id'), ['round_id'], unique=False)
    op.create_table(
        'entry_figure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('baseline', sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column('target', sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column('actual', sa.Numeric(precision=16, scale=2), nullable=True),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_entry_figure_entry_id_entry')),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
                                name=op.f('fk_entry_figure_indicator_id_indicator')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_figure')),
        sa.UniqueConstraint('entry_id', 'indicator_id', 'category',
                            name=op.f('uq_entry_figure_entry_id_indicator_id_category')),
    )
    with op.batch_alter_table('entry_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_figure_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_figure_indicator_id'), ['indicator_id'], unique=False)


def downgrade():
    with op.batch_alter_table('entry_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_figure_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_entry_figure_entry_id'))
    op.drop_table('entry_figure')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_round_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_plan_version_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_action_id'))
    op.drop_table('indicator')
