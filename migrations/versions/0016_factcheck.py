"""draft editions and their fact-check (issue 15, item 4): the draft flag and the period's end on
an edition, each party's part of a draft, and the corrections parties send with the secretariat's
answer

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 02:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('factcheck_ends_on', sa.Date(), nullable=True))

    op.create_table('factcheck_slice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['compiled_report.id'], name=op.f('fk_factcheck_slice_edition_id_compiled_report')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_factcheck_slice_party_id_party')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_factcheck_slice_revision_id_revision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_factcheck_slice')),
    sa.UniqueConstraint('edition_id', 'party_id', name='uq_factcheck_slice_edition_party'),
    sa.UniqueConstraint('stored_name', name=op.f('uq_factcheck_slice_stored_name'))
    )
    with op.batch_alter_table('factcheck_slice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factcheck_slice_edition_id'), ['edition_id'], unique=False)

    op.create_table('factcheck_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('action_code', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_factcheck_correction_author_id_user_account')),
    sa.ForeignKeyConstraint(['edition_id'], ['compiled_report.id'], name=op.f('fk_factcheck_correction_edition_id_compiled_report')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_factcheck_correction_party_id_party')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user_account.id'], name=op.f('fk_factcheck_correction_resolved_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_factcheck_correction'))
    )
    with op.batch_alter_table('factcheck_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factcheck_correction_edition_id'), ['edition_id'], unique=False)


def downgrade():
    with op.batch_alter_table('factcheck_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factcheck_correction_edition_id'))
    op.drop_table('factcheck_correction')
    with op.batch_alter_table('factcheck_slice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factcheck_slice_edition_id'))
    op.drop_table('factcheck_slice')
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.drop_column('factcheck_ends_on')
        batch_op.drop_column('draft')
