"""rendered_part.used_at: when a cached PDF part was last used, so old ones can be pruned

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:10:00

Parts are cached by the hash of what they show; a part nobody asks for any more (an older
revision's annex, a front matter of an earlier day, anything rendered before a template change)
stays on disk until `flask prune-parts` removes those unused for a number of days.
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rendered_part', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE rendered_part SET used_at = created_at")


def downgrade():
    with op.batch_alter_table('rendered_part', schema=None) as batch_op:
        batch_op.drop_column('used_at')
