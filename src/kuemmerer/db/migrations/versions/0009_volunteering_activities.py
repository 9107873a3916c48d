"""Ehrenamt and Aktivitäten (issue 13): volunteer status and availability, inquiries,
Handlungsfeld and funder of an activity, anonymous head counts by gender and age band

- ``volunteers.status`` (aktiv / pausiert / beendet; "beendet" exactly when there is an end
  date — existing rows with an end date become "beendet") and ``availability_slots``
  (weekdays × vormittags/nachmittags/abends as 21 bits, domain/availability.py); the old
  free-text ``availability`` stays as her remark.
- ``volunteer_inquiries``: whom she asked when, for which activity, and the answer.
- ``activities.action_field_id`` (Handlungsfeld, SET NULL) and ``activities.funder``.
- ``attachments.publication``: whether a photo or document may be published (unklar / ja /
  keine Personen erkennbar / nein); existing files are "unklar".
- ``session_headcounts``: the anonymous head count of a session by gender and age band.
  ``sessions.anonymous_count`` stays as their total, kept by triggers whoever writes, so
  every figure reads one column as before; an existing count becomes one row
  "keine Angabe / unbekannt".

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

GENDERS = "'weiblich', 'maennlich', 'divers', 'keine_angabe'"
AGE_BANDS = "'u18', '18_29', '30_54', '55_64', '65plus', 'unbekannt'"
TOTAL = ("UPDATE sessions SET anonymous_count = "
         "(SELECT coalesce(sum(count), 0) FROM session_headcounts WHERE session_id = {ref}.session_id) "
         "WHERE id = {ref}.session_id")


def create_triggers() -> None:
    """sessions.anonymous_count = the sum of its head counts, after every change."""
    op.execute("CREATE TRIGGER session_headcounts_ai AFTER INSERT ON session_headcounts BEGIN "
               + TOTAL.format(ref="NEW") + "; END")
    op.execute("CREATE TRIGGER session_headcounts_ad AFTER DELETE ON session_headcounts BEGIN "
               + TOTAL.format(ref="OLD") + "; END")
    op.execute("CREATE TRIGGER session_headcounts_au AFTER UPDATE ON session_headcounts BEGIN "
               + TOTAL.format(ref="OLD") + "; " + TOTAL.format(ref="NEW") + "; END")


def timestamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
            sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False)]


def upgrade() -> None:
    op.add_column("volunteers", sa.Column("status", sa.String(length=20), server_default="aktiv", nullable=False))
    op.add_column("volunteers", sa.Column("availability_slots", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE volunteers SET status = 'beendet' WHERE ended_on IS NOT NULL")
    with op.batch_alter_table("volunteers", recreate="always") as batch:
        batch.create_check_constraint(op.f("ck_volunteers_status"), "status IN ('aktiv', 'pausiert', 'beendet')")
        batch.create_check_constraint(op.f("ck_volunteers_ended_iff_status_ended"),
                                      "(status = 'beendet') = (ended_on IS NOT NULL)")
        batch.create_check_constraint(op.f("ck_volunteers_availability_slots_range"),
                                      "availability_slots >= 0 AND availability_slots < 2097152")

    op.create_table(
        "volunteer_inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        *timestamps(),
        sa.CheckConstraint("answer IN ('offen', 'zugesagt', 'abgesagt')", name=op.f("ck_volunteer_inquiries_answer")),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"], ondelete="CASCADE",
                                name=op.f("fk_volunteer_inquiries_volunteer_id_volunteers")),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="SET NULL",
                                name=op.f("fk_volunteer_inquiries_activity_id_activities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_inquiries")),
    )
    op.create_index("ix_volunteer_inquiries_volunteer_asked_on", "volunteer_inquiries",
                    ["volunteer_id", "asked_on"], unique=False)
    op.create_index("ix_volunteer_inquiries_activity", "volunteer_inquiries", ["activity_id"], unique=False)

    with op.batch_alter_table("activities", recreate="always") as batch:
        batch.add_column(sa.Column("action_field_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("funder", sa.String(length=120), nullable=True))
        batch.create_foreign_key(op.f("fk_activities_action_field_id_action_fields"), "action_fields",
                                 ["action_field_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_activities_action_field", ["action_field_id"], unique=False)

    with op.batch_alter_table("attachments", recreate="always") as batch:
        batch.add_column(sa.Column("publication", sa.String(length=20), server_default="unklar", nullable=False))
        batch.create_check_constraint(op.f("ck_attachments_publication"),
                                      "publication IN ('unklar', 'ja', 'keine_personen', 'nein')")

    op.create_table(
        "session_headcounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=20), nullable=False),
        sa.Column("age_band", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"gender IN ({GENDERS})", name=op.f("ck_session_headcounts_gender")),
        sa.CheckConstraint(f"age_band IN ({AGE_BANDS})", name=op.f("ck_session_headcounts_age_band")),
        sa.CheckConstraint("count >= 1", name=op.f("ck_session_headcounts_count_positive")),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE",
                                name=op.f("fk_session_headcounts_session_id_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_headcounts")),
        sa.UniqueConstraint("session_id", "gender", "age_band",
                            name=op.f("uq_session_headcounts_session_id_gender_age_band")),
    )
    op.execute("INSERT INTO session_headcounts (session_id, gender, age_band, count) "
               "SELECT id, 'keine_angabe', 'unbekannt', anonymous_count FROM sessions WHERE anonymous_count > 0")
    create_triggers()


def downgrade() -> None:
    for name in ("session_headcounts_ai", "session_headcounts_ad", "session_headcounts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("session_headcounts")
    with op.batch_alter_table("attachments", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_attachments_publication"), type_="check")
        batch.drop_column("publication")
    with op.batch_alter_table("activities", recreate="always") as batch:
        batch.drop_index("ix_activities_action_field")
        batch.drop_constraint(op.f("fk_activities_action_field_id_action_fields"), type_="foreignkey")
        batch.drop_column("funder")
        batch.drop_column("action_field_id")
    op.drop_index("ix_volunteer_inquiries_activity", table_name="volunteer_inquiries")
    op.drop_index("ix_volunteer_inquiries_volunteer_asked_on", table_name="volunteer_inquiries")
    op.drop_table("volunteer_inquiries")
    with op.batch_alter_table("volunteers", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_volunteers_availability_slots_range"), type_="check")
        batch.drop_constraint(op.f("ck_volunteers_ended_iff_status_ended"), type_="check")
        batch.drop_constraint(op.f("ck_volunteers_status"), type_="check")
        batch.drop_column("availability_slots")
        batch.drop_column("status")
