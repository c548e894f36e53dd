"""entry drafts (issue 13): what a user typed into an entry's form and has not saved yet

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('entry_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_entry_draft_entry_id_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_entry_draft_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_draft')),
    sa.UniqueConstraint('user_id', 'entry_id', name='uq_entry_draft_user_entry')
    )
    with op.batch_alter_table('entry_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_draft_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_draft_saved_at'), ['saved_at'], unique=False)


def downgrade():
    with op.batch_alter_table('entry_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_draft_saved_at'))
        batch_op.drop_index(batch_op.f('ix_entry_draft_entry_id'))
    op.drop_table('entry_draft')
