"""audit_event is append-only: the database refuses UPDATE and DELETE on it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 08:20:00

The portal only ever inserts audit events; these triggers make the database refuse anything
else, so a row can only be changed by someone who first removes the trigger — and then
`flask verify-audit` finds the break in the hash chain.
(TRUNCATE fires no row trigger on PostgreSQL; it needs table ownership, as dropping a trigger does.)
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

MESSAGE = "audit_event is append-only"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$""")
        op.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                   "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()")
        op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                   "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()")
    else:
        op.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END")
        op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END")


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_update" +
               (" ON audit_event" if op.get_bind().dialect.name == "postgresql" else ""))
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete" +
               (" ON audit_event" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse_change()")
