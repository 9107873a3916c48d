"""Netzwerk (issue 14): members of a network, its rhythm, agenda items with minutes and
decisions, and action items created from a minute line

- ``networks.rhythm``: when the network meets, in her words ("monatlich, 1. Dienstag").
- ``network_members``: organisations and persons of a network (exactly one of them), a role.
- ``agenda_items``: Tagesordnungspunkte of a meeting, each with its minutes and decision.
  An existing meeting's agenda text becomes one item per non-empty line (a leading "1.",
  "2)" or "TOP 3:" is dropped, the order kept); ``meetings.agenda`` is then empty and stays
  for a note on the invitation.
- ``action_items.agenda_item_id``: the minute line an action item was created from (SET NULL).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NOT_BLANK = "length(trim(title, ' ' || char(9) || char(10) || char(13))) > 0"
NUMBERING = re.compile(r"^\s*(?:TOP\s*\d{1,3}(?!\d)\s*[.):]?|\d{1,3}(?!\d)\s*[.)])\s*[-–:]?\s*", re.IGNORECASE)


def agenda_lines(text: str | None) -> list[str]:
    """The items of an agenda text: one per non-empty line, without its numbering, at most 300 characters."""
    out = []
    for line in (text or "").splitlines():
        title = NUMBERING.sub("", line, count=1).strip() or line.strip()
        if title:
            out.append(title[:300])
    return out


def upgrade() -> None:
    op.add_column("networks", sa.Column("rhythm", sa.String(length=120), nullable=True))
    op.create_table(
        "network_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.CheckConstraint("(person_id IS NULL) <> (organisation_id IS NULL)",
                           name=op.f("ck_network_members_person_xor_organisation")),
        sa.ForeignKeyConstraint(["network_id"], ["networks.id"], ondelete="CASCADE",
                                name=op.f("fk_network_members_network_id_networks")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="CASCADE",
                                name=op.f("fk_network_members_person_id_persons")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE",
                                name=op.f("fk_network_members_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_members")),
    )
    op.create_index("uq_network_members_person", "network_members", ["network_id", "person_id"], unique=True,
                    sqlite_where=sa.text("person_id IS NOT NULL"))
    op.create_index("uq_network_members_organisation", "network_members", ["network_id", "organisation_id"],
                    unique=True, sqlite_where=sa.text("organisation_id IS NOT NULL"))
    op.create_index("ix_network_members_person", "network_members", ["person_id"])
    op.create_index("ix_network_members_organisation", "network_members", ["organisation_id"])

    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.CheckConstraint(NOT_BLANK, name=op.f("ck_agenda_items_title_not_blank")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_agenda_items_position_positive")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE",
                                name=op.f("fk_agenda_items_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    op.create_index("ix_agenda_items_meeting_position", "agenda_items", ["meeting_id", "position"])
    conn = op.get_bind()
    items = sa.table("agenda_items", sa.column("meeting_id"), sa.column("position"), sa.column("title"))
    rows = conn.execute(sa.text("SELECT id, agenda FROM meetings WHERE agenda IS NOT NULL")).all()
    new = [{"meeting_id": mid, "position": n, "title": title}
           for mid, agenda in rows for n, title in enumerate(agenda_lines(agenda), start=1)]
    if new:
        op.bulk_insert(items, new)
    conn.execute(sa.text("UPDATE meetings SET agenda = NULL WHERE agenda IS NOT NULL"))

    with op.batch_alter_table("action_items", recreate="always") as batch:
        batch.add_column(sa.Column("agenda_item_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_action_items_agenda_item_id_agenda_items"), "agenda_items",
                                 ["agenda_item_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_action_items_agenda_item", ["agenda_item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_items", recreate="always") as batch:
        batch.drop_index("ix_action_items_agenda_item")
        batch.drop_constraint(op.f("fk_action_items_agenda_item_id_agenda_items"), type_="foreignkey")
        batch.drop_column("agenda_item_id")
    op.execute("UPDATE meetings SET agenda = (SELECT group_concat(title, char(10)) FROM "
               "(SELECT title FROM agenda_items a WHERE a.meeting_id = meetings.id ORDER BY position)) "
               "WHERE EXISTS (SELECT 1 FROM agenda_items a WHERE a.meeting_id = meetings.id)")
    op.drop_table("agenda_items")
    op.drop_table("network_members")
    op.drop_column("networks", "rhythm")
