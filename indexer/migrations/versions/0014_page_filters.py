"""search filters beside each page's text

Revision ID: 0014
Revises: 0004
Create Date: 2026-11-29

Each page carries its document's type and patient MRN, kept in step by triggers (a new page takes
them from its document; a document whose type or patient changes, e.g. in review, passes them to
its pages). A search with a type or patient filter then narrows the pages the full-text index found
without a lookup in ``documents`` for each of them: on PostgreSQL the GIN bitmap is ANDed with a
btree on the page's type or patient before any row is read or ranked; on SQLite the page row the
join reads anyway answers the filter. ``documents`` stays the truth: the search applies the same
filters there too, on what is left.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("doc_type", "patient_mrn")

SQLITE_UP = (
    "CREATE TRIGGER pages_filters_insert AFTER INSERT ON pages BEGIN "
    "UPDATE pages SET doc_type = (SELECT doc_type FROM documents WHERE id = new.document_id), "
    "patient_mrn = (SELECT patient_mrn FROM documents WHERE id = new.document_id) "
    "WHERE id = new.id; END",
    "CREATE TRIGGER documents_filters_update AFTER UPDATE OF doc_type, patient_mrn ON documents "
    "BEGIN UPDATE pages SET doc_type = new.doc_type, patient_mrn = new.patient_mrn "
    "WHERE document_id = new.id; END",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS pages_filters_insert",
    "DROP TRIGGER IF EXISTS documents_filters_update",
)
POSTGRES_UP = (
    "CREATE FUNCTION pages_take_filters() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "SELECT doc_type, patient_mrn INTO NEW.doc_type, NEW.patient_mrn FROM documents "
    "WHERE id = NEW.document_id; RETURN NEW; END $$",
    "CREATE TRIGGER pages_filters_insert BEFORE INSERT ON pages "
    "FOR EACH ROW EXECUTE FUNCTION pages_take_filters()",
    "CREATE FUNCTION documents_give_filters() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE pages SET doc_type = NEW.doc_type, patient_mrn = NEW.patient_mrn "
    "WHERE document_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER documents_filters_update AFTER UPDATE OF doc_type, patient_mrn "
    "ON documents FOR EACH ROW WHEN (OLD.doc_type IS DISTINCT FROM NEW.doc_type "
    "OR OLD.patient_mrn IS DISTINCT FROM NEW.patient_mrn) "
    "EXECUTE FUNCTION documents_give_filters()",
)
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS pages_filters_insert ON pages",
    "DROP TRIGGER IF EXISTS documents_filters_update ON documents",
    "DROP FUNCTION IF EXISTS pages_take_filters()",
    "DROP FUNCTION IF EXISTS documents_give_filters()",
)
BACKFILL = (
    "UPDATE pages SET doc_type = (SELECT doc_type FROM documents WHERE documents.id = "
    "pages.document_id), patient_mrn = (SELECT patient_mrn FROM documents WHERE documents.id = "
    "pages.document_id)"
)


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch copy: a copy of ``pages`` would lose its FTS5 triggers.
    op.add_column("pages", sa.Column("doc_type", sa.String(length=32), nullable=True))
    op.add_column("pages", sa.Column("patient_mrn", sa.String(length=64), nullable=True))
    op.execute(BACKFILL)
    for column in COLUMNS:
        op.create_index(f"ix_pages_{column}", "pages", [column])
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_UP if postgresql else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_DOWN if postgresql else SQLITE_DOWN:
        op.execute(statement)
    for column in COLUMNS:
        op.drop_index(f"ix_pages_{column}", table_name="pages")
        op.drop_column("pages", column)
