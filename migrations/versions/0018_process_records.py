"""follow-up processes recorded (issue 15, item 5): dialogues and visits, peer-review missions, Regional
Network and WBCTi meetings with their parties and recommendations; a final edition records the
fact-check it follows (item 4)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 18:50:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS = ('dialogue', 'peer_review', 'regional_network', 'wbcti')


def upgrade():
    op.create_table('process_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='processkind', native_enum=False, length=32, create_constraint=True),
              nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('internal_notes', sa.Text(), nullable=False),
    sa.Column('action_codes', sa.JSON(), nullable=False),
    sa.Column('recommendations', sa.JSON(), nullable=False),
    sa.Column('report_name', sa.String(length=255), nullable=False),
    sa.Column('report_stored', sa.String(length=100), nullable=True),
    sa.Column('report_type', sa.String(length=100), nullable=False),
    sa.Column('report_size', sa.BigInteger(), nullable=False),
    sa.Column('report_sha256', sa.String(length=64), nullable=False),
    sa.Column('report_shared', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['reporting_round.id'], name=op.f('fk_process_record_round_id_reporting_round')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_process_record_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_process_record_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_record')),
    sa.UniqueConstraint('report_stored', name=op.f('uq_process_record_report_stored'))
    )
    with op.batch_alter_table('process_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_record_round_id'), ['round_id'], unique=False)

    op.create_table('process_record_party',
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['process_record.id'], name=op.f('fk_process_record_party_process_id_process_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_process_record_party_party_id_party')),
    sa.PrimaryKeyConstraint('process_id', 'party_id', name=op.f('pk_process_record_party'))
    )
    with op.batch_alter_table('process_record_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_record_party_party_id'), ['party_id'], unique=False)

    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('factcheck_draft_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_compiled_report_factcheck_draft_id_compiled_report'),
                                    'compiled_report', ['factcheck_draft_id'], ['id'])


def downgrade():
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_compiled_report_factcheck_draft_id_compiled_report'), type_='foreignkey')
        batch_op.drop_column('factcheck_draft_id')
    with op.batch_alter_table('process_record_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_record_party_party_id'))
    op.drop_table('process_record_party')
    with op.batch_alter_table('process_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_record_round_id'))
    op.drop_table('process_record')
