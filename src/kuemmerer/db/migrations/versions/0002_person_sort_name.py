"""persons.sort_name for German order in SQL; search text with "ue" spellings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import re

import sqlalchemy as sa
from alembic import op

from kuemmerer.db.migrations.text_v1 import fold as _fold
from kuemmerer.db.migrations.text_v1 import variants as _variants

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("sort_name", sa.String(220), nullable=False, server_default=""))
        batch.drop_index("ix_persons_sort")
        batch.create_index("ix_persons_sort_name", ["sort_name", "id"], unique=False)
    conn = op.get_bind()
    persons = sa.table("persons", sa.column("id"), sa.column("first_name"), sa.column("last_name"),
                       sa.column("phone"), sa.column("email"), sa.column("search_text"),
                       sa.column("sort_name"))
    rows = conn.execute(sa.select(persons.c.id, persons.c.first_name, persons.c.last_name,
                                  persons.c.phone, persons.c.email)).all()
    updates = []
    for pid, first, last, phone, email in rows:
        digits = re.sub(r"\D", "", phone or "")
        parts = [*_variants(first), *_variants(last), _fold(email), digits]
        updates.append({"pid": pid, "search": " " + " ".join(p for p in parts if p) + " ",
                        "sort": f"{_fold(last)}\x01{_fold(first)}"})
    if updates:
        conn.execute(persons.update().where(persons.c.id == sa.bindparam("pid"))
                     .values(search_text=sa.bindparam("search"), sort_name=sa.bindparam("sort")), updates)


def downgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.drop_index("ix_persons_sort_name")
        batch.create_index("ix_persons_sort", ["last_name", "first_name"], unique=False)
        batch.drop_column("sort_name")
