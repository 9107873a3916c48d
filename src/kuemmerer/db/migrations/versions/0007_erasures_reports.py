"""Erasure journal; Handlungsfelder and her texts for the Sachbericht; archive of issued reports

- ``erasures``: what was erased and when, ids only; re-applied after restoring an older
  backup, so an erased resident never comes back.
- ``action_fields``: the Handlungsfelder of her area's action plan (a list she keeps,
  like Themen), seeded with four common ones; ``report_texts``: her text per field
  and report period.
- ``issued_reports``: every issued report with its figures (no personal data), its file
  and SHA-256, reprinted byte-for-byte.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTION_FIELDS = ("Beratung und Vermittlung", "Ehrenamt", "Nachbarschaft und Beteiligung", "Vernetzung")
NOT_BLANK = "length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0"


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("record_created_at", sa.DateTime(), nullable=True),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('person', 'fuehrungszeugnis')", name=op.f("ck_erasures_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index("ix_erasures_erased_at", "erasures", ["erased_at"], unique=False)

    op.create_table(
        "action_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint(NOT_BLANK, name=op.f("ck_action_fields_name_not_blank")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_fields")),
        sa.UniqueConstraint("name", name=op.f("uq_action_fields_name")),
    )
    fields = sa.table("action_fields", sa.column("name"), sa.column("sort_order"), sa.column("active"))
    op.bulk_insert(fields, [{"name": n, "sort_order": i, "active": True} for i, n in enumerate(ACTION_FIELDS)])

    op.create_table(
        "report_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_field_id", sa.Integer(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("period_to >= period_from", name=op.f("ck_report_texts_period_order")),
        sa.ForeignKeyConstraint(["action_field_id"], ["action_fields.id"], ondelete="CASCADE",
                                name=op.f("fk_report_texts_action_field_id_action_fields")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_texts")),
        sa.UniqueConstraint("action_field_id", "period_from", "period_to",
                            name=op.f("uq_report_texts_action_field_id_period_from_period_to")),
    )

    op.create_table(
        "issued_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("suppress_below", sa.Integer(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("kind IN ('sachbericht', 'jahresstatistik')", name=op.f("ck_issued_reports_kind")),
        sa.CheckConstraint("period_to >= period_from", name=op.f("ck_issued_reports_period_order")),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_issued_reports_sha256_length")),
        sa.CheckConstraint("suppress_below IS NULL OR suppress_below BETWEEN 1 AND 100",
                           name=op.f("ck_issued_reports_suppress_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_reports")),
    )
    op.create_index("ix_issued_reports_period", "issued_reports", ["period_from", "period_to"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_issued_reports_period", table_name="issued_reports")
    op.drop_table("issued_reports")
    op.drop_table("report_texts")
    op.drop_table("action_fields")
    op.drop_index("ix_erasures_erased_at", table_name="erasures")
    op.drop_table("erasures")
