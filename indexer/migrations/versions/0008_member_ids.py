"""insurance member IDs on patients; review decisions kept as labelled examples

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-29

The registry holds each patient's insurance member ID (the CSV's optional ``member_id`` column, a
FHIR Coverage or Patient.identifier) and its comparable key, indexed, so that a member ID read on a
document shortlists its patient. Every decision of the review queue is kept as a labelled example
(the document and the type a person gave it) for the classifier to learn the office's own forms.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("member_id", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("member_key", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_patients_member_key"), ["member_key"], unique=False)
    op.create_table(
        "review_examples",
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade() -> None:
    op.drop_table("review_examples")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_member_key"))
        batch_op.drop_column("member_key")
        batch_op.drop_column("member_id")
