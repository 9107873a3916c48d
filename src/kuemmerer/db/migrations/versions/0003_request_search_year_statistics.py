"""requests.search_text (folded title); year_statistics (frozen figures of closed years)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from kuemmerer.db.migrations.text_v1 import variants as _variants

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "year_statistics",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.CheckConstraint("year BETWEEN 1990 AND 2200", name=op.f("ck_year_statistics_year_range")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_year_statistics")),
    )
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("search_text", sa.String(450), nullable=False, server_default=""))
        batch.create_index("ix_requests_search", ["search_text"], unique=False)
    conn = op.get_bind()
    requests = sa.table("requests", sa.column("id"), sa.column("title"), sa.column("search_text"))
    updates = [{"rid": rid, "search": " " + " ".join(_variants(title)) + " "}
               for rid, title in conn.execute(sa.select(requests.c.id, requests.c.title))]
    if updates:
        conn.execute(requests.update().where(requests.c.id == sa.bindparam("rid"))
                     .values(search_text=sa.bindparam("search")), updates)


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_index("ix_requests_search")
        batch.drop_column("search_text")
    op.drop_table("year_statistics")
