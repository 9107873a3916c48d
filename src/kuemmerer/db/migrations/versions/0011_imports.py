"""Import of her old lists (issue 15): the import history and the persons an import created

- ``imports``: file name, kind of list, the layout of its columns, what was created, matched,
  filled, rejected and skipped, and when it was undone.
- ``imported_persons``: which persons an import created ("undo" takes them back, as long as
  nothing else was recorded for them since).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("layout_key", sa.String(length=1000), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("filled", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("kind IN ('persons', 'contacts', 'volunteers', 'partners')", name=op.f("ck_imports_kind")),
        sa.CheckConstraint("created >= 0 AND matched >= 0 AND filled >= 0 AND rejected >= 0 AND skipped >= 0",
                           name=op.f("ck_imports_counts_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "imported_persons",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], ondelete="CASCADE",
                                name=op.f("fk_imported_persons_import_id_imports")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="CASCADE",
                                name=op.f("fk_imported_persons_person_id_persons")),
        sa.PrimaryKeyConstraint("import_id", "person_id", name=op.f("pk_imported_persons")),
    )
    op.create_index("ix_imported_persons_person", "imported_persons", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_imported_persons_person", table_name="imported_persons")
    op.drop_table("imported_persons")
    op.drop_table("imports")
