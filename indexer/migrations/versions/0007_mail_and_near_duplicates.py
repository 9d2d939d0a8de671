"""mail intake and near-duplicates

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

The e-fax mailbox's ledger (``mail_messages``), the sender columns of a document that came by
e-mail, and what intake.dedupe keeps to recognise a re-sent copy: its MinHash, image hash,
identifying values, and the LSH bands in ``near_duplicate_keys`` (indexed on band and value).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

DOCUMENT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("duplicate_similarity", sa.Float()),
    ("minhash", sa.LargeBinary()),
    ("image_hash", sa.BigInteger()),
    ("identifiers", sa.Text()),
    ("mail_from", sa.String(length=320)),
    ("mail_subject", sa.String(length=998)),
    ("mail_message_id", sa.String(length=998)),
    ("mail_received_at", sa.DateTime(timezone=True)),
    ("sender_csid", sa.String(length=64)),
    ("sender_pages", sa.Integer()),
)


def upgrade() -> None:
    # Plain ADD COLUMN, no batch table rebuild: on SQLite a rebuild would drop ``documents``,
    # and its pages with it through the cascading foreign key.
    for name, kind in DOCUMENT_COLUMNS:
        op.add_column("documents", sa.Column(name, kind, nullable=True))
    op.create_index("ix_documents_duplicate_of", "documents", ["duplicate_of"], unique=False)
    op.create_table(
        "near_duplicate_keys",
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "band"),
    )
    op.create_index(
        "ix_near_duplicate_keys_band_value", "near_duplicate_keys", ["band", "value"], unique=False
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mailbox", sa.String(length=512), nullable=False),
        sa.Column("message_key", sa.String(length=998), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("attachment_sha256s", sa.Text(), nullable=False),
        sa.Column("document_ids", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("moved_to", sa.String(length=512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mailbox", "message_key"),
    )
    op.create_index("ix_mail_messages_status", "mail_messages", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mail_messages_status", table_name="mail_messages")
    op.drop_table("mail_messages")
    op.drop_index("ix_near_duplicate_keys_band_value", table_name="near_duplicate_keys")
    op.drop_table("near_duplicate_keys")
    op.drop_index("ix_documents_duplicate_of", table_name="documents")
    for name, _ in reversed(DOCUMENT_COLUMNS):
        op.drop_column("documents", name)
