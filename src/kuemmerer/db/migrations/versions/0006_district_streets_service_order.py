"""Streets of a Stadtgebiet; order of Angebote; frozen years from 1900; name parts in search

- ``district_streets``: the streets of a district, so a person's street suggests it.
- ``services.sort_order``: Angebote can be put in her order, like districts and Themen
  (existing ones keep their alphabetical order).
- ``year_statistics``: any year the services accept (1900–2200) can be frozen; before,
  one contact dated before 1990 made every erasure fail.
- ``persons.search_text`` rebuilt with the parts of "Al-Masri"/"O'Neill" and the
  national form of "+49 …" numbers (db.migrations.text_v2, frozen).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from kuemmerer.db.migrations.text_v2 import person_search_text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "district_streets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.CheckConstraint("length(trim(name, ' ' || char(9) || char(10) || char(13))) > 0",
                           name=op.f("ck_district_streets_name_not_blank")),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="CASCADE",
                                name=op.f("fk_district_streets_district_id_districts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_streets")),
        sa.UniqueConstraint("district_id", "key", name=op.f("uq_district_streets_district_id_key")),
    )
    op.create_index("ix_district_streets_key", "district_streets", ["key"], unique=False)

    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"))
    conn = op.get_bind()
    services = sa.table("services", sa.column("id"), sa.column("name"), sa.column("sort_order"))
    ordered = sorted(conn.execute(sa.select(services.c.id, services.c.name)).all(),
                     key=lambda r: (r.name.casefold(), r.id))
    if ordered:
        conn.execute(services.update().where(services.c.id == sa.bindparam("sid"))
                     .values(sort_order=sa.bindparam("pos")),
                     [{"sid": r.id, "pos": i} for i, r in enumerate(ordered)])

    with op.batch_alter_table("year_statistics", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_year_statistics_year_range"), type_="check")
        batch.create_check_constraint(op.f("ck_year_statistics_year_range"), "year BETWEEN 1900 AND 2200")

    persons = sa.table("persons", sa.column("id"), sa.column("first_name"), sa.column("last_name"),
                       sa.column("phone"), sa.column("email"), sa.column("search_text"))
    updates = [{"pid": pid, "search": person_search_text(first, last, phone, email)}
               for pid, first, last, phone, email in conn.execute(
                   sa.select(persons.c.id, persons.c.first_name, persons.c.last_name,
                             persons.c.phone, persons.c.email))]
    if updates:
        conn.execute(persons.update().where(persons.c.id == sa.bindparam("pid"))
                     .values(search_text=sa.bindparam("search")), updates)


def downgrade() -> None:
    op.execute("DELETE FROM year_statistics WHERE year < 1990")
    with op.batch_alter_table("year_statistics", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_year_statistics_year_range"), type_="check")
        batch.create_check_constraint(op.f("ck_year_statistics_year_range"), "year BETWEEN 1990 AND 2200")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("sort_order")
    op.drop_index("ix_district_streets_key", table_name="district_streets")
    op.drop_table("district_streets")
