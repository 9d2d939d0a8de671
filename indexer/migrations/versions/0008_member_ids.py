"""insurance member IDs on patients

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-29

The registry holds each patient's insurance member ID (the CSV's optional ``member_id`` column, a
FHIR Coverage or Patient.identifier) and its comparable key, indexed, so that a member ID read on a
document shortlists its patient.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0003"
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


def downgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_member_key"))
        batch_op.drop_column("member_key")
        batch_op.drop_column("member_id")
