"""audit trail

Revision ID: 0004
Revises: 0007
Create Date: 2026-11-29

The audit trail (``audit/models.py``): events, the ids they name, signed checkpoints and the two
chain heads (a trigger keeps the events head's hash on the last event). Events, entities and
checkpoints are append-only: triggers refuse UPDATE and DELETE
(and TRUNCATE on PostgreSQL) on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
APPEND_ONLY = ("audit_events", "audit_entities", "audit_checkpoints")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _sqlite_triggers() -> list[str]:
    statements = [
        # The chain head follows the last event: one statement fewer for every recorded event.
        "CREATE TRIGGER audit_events_head AFTER INSERT ON audit_events "
        "BEGIN UPDATE audit_heads SET hash = NEW.hash WHERE name = 'events'; END"
    ]
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: "
                f"{operation} on {table} refused'); END"
            )
    return statements


def _postgresql_triggers() -> list[str]:
    statements = [
        "CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME; "
        "END $$",
        "CREATE FUNCTION audit_follow_head() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE audit_heads SET hash = NEW.hash WHERE name = 'events'; RETURN NEW; END $$",
        "CREATE TRIGGER audit_events_head AFTER INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_follow_head()",
    ]
    for table in APPEND_ONLY:
        statements.append(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )
        statements.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
        )
    return statements


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("recorded", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("type_code", sa.String(length=16), nullable=False),
        sa.Column("subtype_code", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=1), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("roles", sa.String(length=256), nullable=False),
        sa.Column("door", sa.String(length=16), nullable=False),
        sa.Column("network_address", sa.String(length=64), nullable=True),
        sa.Column("site", sa.String(length=128), nullable=False),
        sa.Column("host", sa.String(length=256), nullable=True),
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("recipient", sa.String(length=256), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_audit_events_user_recorded", "audit_events", ["user_id", "recorded"])
    op.create_index("ix_audit_events_recorded", "audit_events", ["recorded"])
    op.create_index("ix_audit_events_network_address", "audit_events", ["network_address"])
    op.create_index("ix_audit_events_kind", "audit_events", ["kind"])
    op.create_table(
        "audit_entities",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["audit_events.seq"]),
        sa.PrimaryKeyConstraint("seq", "position"),
    )
    op.create_index("ix_audit_entities_lookup", "audit_entities", ["kind", "value", "seq"])
    op.create_table(
        "audit_checkpoints",
        sa.Column("number", SEQ, autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("event_hash", sa.String(length=64), nullable=False),
        sa.Column("previous", sa.String(length=64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("object_key", sa.String(length=256), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
    heads = op.create_table(
        "audit_heads",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(
        heads,
        [
            {"name": "events", "seq": 0, "hash": GENESIS},
            {"name": "checkpoints", "seq": 0, "hash": GENESIS},
        ],
    )
    dialect = op.get_bind().dialect.name
    triggers = _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers()
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_head ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_follow_head()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_head")
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")
    op.drop_table("audit_heads")
    op.drop_table("audit_checkpoints")
    op.drop_index("ix_audit_entities_lookup", table_name="audit_entities")
    op.drop_table("audit_entities")
    for name in ("kind", "network_address", "recorded", "user_recorded"):
        op.drop_index(f"ix_audit_events_{name}", table_name="audit_events")
    op.drop_table("audit_events")
