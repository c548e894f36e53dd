"""work inside a partner (issue 18): institutions, assignments and the coordinator's sign-off, partner-internal
notes, and the reason an entry's status is lower than in the previous round

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04 01:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

SIGN_OFF = ('open', 'ready', 'accepted', 'returned')


def upgrade():
    op.create_table('institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_institution_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution')),
    sa.UniqueConstraint('party_id', 'name', name='uq_institution_party_name')
    )
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_party_id'), ['party_id'], unique=False)

    op.create_table('entry_work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum(*SIGN_OFF, name='signoff', native_enum=False, length=32, create_constraint=True),
              nullable=False),
    sa.Column('accepted_version', sa.Integer(), nullable=True),
    sa.Column('state_by_id', sa.Integer(), nullable=True),
    sa.Column('state_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_entry_work_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_entry_work_entry_id_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'],
                            name=op.f('fk_entry_work_institution_id_institution')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_entry_work_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_by_id'], ['user_account.id'], name=op.f('fk_entry_work_state_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_work')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_entry_work_entry_id'))
    )
    with op.batch_alter_table('entry_work', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_work_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_work_report_id'), ['report_id'], unique=False)

    op.create_table('partner_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum(*SIGN_OFF, name='partner_note_step', native_enum=False, length=32,
                              create_constraint=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_partner_note_author_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_partner_note_entry_id_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_note'))
    )
    with op.batch_alter_table('partner_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_note_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('entry') as batch_op:
        batch_op.add_column(sa.Column('lower_status_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('entry') as batch_op:
        batch_op.drop_column('lower_status_reason')
    op.drop_table('partner_note')
    op.drop_table('entry_work')
    op.drop_table('institution')
