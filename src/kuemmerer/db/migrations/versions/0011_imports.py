"""Import of her old lists (issue 15): the import history and the records an import created

- ``imports``: file name, kind of list, the layout of its columns, what was created, matched,
  filled, rejected and skipped, and when it was undone.
- ``import_items``: which records an import created — persons, contacts, volunteer profiles,
  organisations, Angebote, Themen, Stadtgebiete; exactly one per row ("undo" takes them
  back, as long as nothing else was recorded for them since).

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
    items = ("person", "contact", "volunteer", "organisation", "service", "category", "district")
    tables = {"person": "persons", "contact": "contacts", "volunteer": "volunteers", "organisation": "organisations",
              "service": "services", "category": "categories", "district": "districts"}
    op.create_table(
        "import_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        *(sa.Column(f"{item}_id", sa.Integer(), nullable=True) for item in items),
        sa.CheckConstraint(" + ".join(f"({item}_id IS NOT NULL)" for item in items) + " = 1",
                           name=op.f("ck_import_items_exactly_one")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], ondelete="CASCADE",
                                name=op.f("fk_import_items_import_id_imports")),
        *(sa.ForeignKeyConstraint([f"{item}_id"], [f"{tables[item]}.id"], ondelete="CASCADE",
                                  name=op.f(f"fk_import_items_{item}_id_{tables[item]}")) for item in items),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_items")),
    )
    op.create_index("ix_import_items_import", "import_items", ["import_id"], unique=False)
    for item in items:
        op.create_index(f"ix_import_items_{item}", "import_items", [f"{item}_id"], unique=True)


def downgrade() -> None:
    op.drop_table("import_items")
    op.drop_table("imports")
