"""Job heartbeats, runs of periodic tasks, party PDF jobs

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:00:00

compiled_report.heartbeat_at: a running compile writes it every few seconds, so one whose worker
died is noticed and marked failed. scheduled_run: one row per periodic task and period, so two
job servers never both send a day's reminders. party_pdf_job: a party's report PDF is made by a
job (never in a web request), with the same progress page as an edition.
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
    op.create_table('scheduled_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_run')),
    sa.UniqueConstraint('name', 'period', name=op.f('uq_scheduled_run_name_period'))
    )
    op.create_table('party_pdf_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='partypdfstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_party_pdf_job_report_id_report')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_party_pdf_job_revision_id_revision')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_party_pdf_job_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_pdf_job'))
    )
    with op.batch_alter_table('party_pdf_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_pdf_job_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('party_pdf_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_pdf_job_report_id'))
    op.drop_table('party_pdf_job')
    op.drop_table('scheduled_run')
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
