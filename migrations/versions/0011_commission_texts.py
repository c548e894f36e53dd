"""commission texts (issue 15): introduction, objective and party assessments with numbered
recommendations, conclusions per round; "backsliding" on the assessment scale

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03 15:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_SCALE = ('no_progress', 'limited_progress', 'some_progress', 'good_progress', 'very_good_progress')
NEW_SCALE = ('backsliding',) + OLD_SCALE


def _scale_check(values) -> str:
    return "assessment IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _set_scale(values) -> None:
    name = op.f('ck_entry_review_assessment')
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot alter a CHECK: batch mode copies the table with the new one.
        with op.batch_alter_table('entry_review', recreate='always') as batch_op:
            batch_op.drop_constraint(name, type_='check')
            batch_op.create_check_constraint(name, _scale_check(values))
    else:
        op.drop_constraint(name, 'entry_review', type_='check')
        op.create_check_constraint(name, 'entry_review', _scale_check(values))


def upgrade():
    _set_scale(NEW_SCALE)
    op.create_table('commission_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('introduction', 'objective', 'party', 'conclusions', name='textkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('objective_number', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('assessment', sa.Enum(*NEW_SCALE, name='assessment', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'approved', name='textstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_commission_text_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_commission_text_party_id_party')),
    sa.ForeignKeyConstraint(['round_id'], ['reporting_round.id'], name=op.f('fk_commission_text_round_id_reporting_round')),
    sa.ForeignKeyConstraint(['written_by_id'], ['user_account.id'], name=op.f('fk_commission_text_written_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_text')),
    sa.UniqueConstraint('round_id', 'slot', name=op.f('uq_commission_text_round_id_slot'))
    )
    with op.batch_alter_table('commission_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_text_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_text_round_id'), ['round_id'], unique=False)
    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('action_codes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['text_id'], ['commission_text.id'], name=op.f('fk_recommendation_text_id_commission_text')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation')),
    sa.UniqueConstraint('text_id', 'number', name=op.f('uq_recommendation_text_id_number'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_text_id'), ['text_id'], unique=False)
    op.create_table('compiled_report_text',
    sa.Column('compiled_report_id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['compiled_report_id'], ['compiled_report.id'], name=op.f('fk_compiled_report_text_compiled_report_id_compiled_report')),
    sa.ForeignKeyConstraint(['text_id'], ['commission_text.id'], name=op.f('fk_compiled_report_text_text_id_commission_text')),
    sa.PrimaryKeyConstraint('compiled_report_id', 'text_id', name=op.f('pk_compiled_report_text'))
    )


def downgrade():
    op.drop_table('compiled_report_text')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_text_id'))
    op.drop_table('recommendation')
    with op.batch_alter_table('commission_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_text_round_id'))
        batch_op.drop_index(batch_op.f('ix_commission_text_party_id'))
    op.drop_table('commission_text')
    op.execute("UPDATE entry_review SET assessment = 'no_progress' WHERE assessment = 'backsliding'")
    _set_scale(OLD_SCALE)
