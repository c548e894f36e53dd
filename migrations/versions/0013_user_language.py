"""user language (issue 17): the portal's language kept on the account, and the one its mail is written in

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 15:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable, no default: an account that never chose follows its browser's Accept-Language.
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('language')
