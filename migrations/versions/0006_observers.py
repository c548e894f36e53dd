"""observers (issue 19): the observer role, the parties an observer is bound to, each party's consent per round

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD_ROLES = ('contributor', 'coordinator', 'eu_reporter', 'reviewer', 'secretariat', 'admin')
NEW_ROLES = OLD_ROLES + ('observer',)


def _role_check(roles) -> str:
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def _set_roles(roles) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot alter a CHECK: batch mode copies the table with the new one.
        with op.batch_alter_table('user_account', recreate='always') as batch_op:
            batch_op.drop_constraint(op.f('ck_user_account_role'), type_='check')
            batch_op.create_check_constraint(op.f('ck_user_account_role'), _role_check(roles))
    else:
        op.drop_constraint(op.f('ck_user_account_role'), 'user_account', type_='check')
        op.create_check_constraint(op.f('ck_user_account_role'), 'user_account', _role_check(roles))


def upgrade():
    _set_roles(NEW_ROLES)
    op.create_table('observer_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_observer_party_party_id_party')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_observer_party_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observer_party')),
    sa.UniqueConstraint('user_id', 'party_id', name=op.f('uq_observer_party_user_id_party_id'))
    )
    with op.batch_alter_table('observer_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observer_party_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observer_party_user_id'), ['user_id'], unique=False)
    op.create_table('observer_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=False),
    sa.Column('given_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['given_by_id'], ['user_account.id'], name=op.f('fk_observer_consent_given_by_id_user_account')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_observer_consent_party_id_party')),
    sa.ForeignKeyConstraint(['round_id'], ['reporting_round.id'], name=op.f('fk_observer_consent_round_id_reporting_round')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user_account.id'], name=op.f('fk_observer_consent_withdrawn_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observer_consent'))
    )
    with op.batch_alter_table('observer_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observer_consent_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observer_consent_round_id'), ['round_id'], unique=False)


def downgrade():
    op.drop_table('observer_consent')
    op.drop_table('observer_party')
    # Observer accounts cannot be deleted (the append-only audit trail names them) nor given another
    # role (every other one reads more): they are deactivated, and the role CHECK keeps 'observer'
    # while any remain.
    op.execute("UPDATE user_account SET active = false WHERE role = 'observer'")
    remaining = op.get_bind().execute(sa.text("SELECT count(*) FROM user_account WHERE role = 'observer'")).scalar()
    if not remaining:
        _set_roles(OLD_ROLES)
