"""requests.search_text (folded title); year_statistics (frozen figures of closed years)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_FOLD = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _fold(text):
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c))).strip()


def _variants(text):
    base = _fold(text)
    if not base:
        return []
    out = [base]
    for variant in (_fold((text or "").casefold().translate(_TRANSLIT)), re.sub(r"([aou])e", r"\1", base)):
        if variant not in out:
            out.append(variant)
    return out


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
