"""covering indexes for the big lists (measured in benchmarks/)

Each new index starts with the columns of the one it replaces, so every lookup the
old one served (foreign-key checks included) is still served.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHANGES = (
    ("persons", "ix_persons_sort_name", ["sort_name", "id"], "ix_persons_sort_search", ["sort_name", "id", "search_text"]),
    ("persons", "ix_persons_district", ["district_id"], "ix_persons_district_sort", ["district_id", "sort_name", "id"]),
    ("requests", "ix_requests_person", ["person_id"], "ix_requests_person_status", ["person_id", "status"]),
    ("requests", "ix_requests_opened", ["opened_on"], "ix_requests_opened_status", ["opened_on", "status"]),
    ("contacts", "ix_contacts_request", ["request_id"], "ix_contacts_request_date", ["request_id", "date"]),
)


def upgrade() -> None:
    for table, old, _old_cols, new, new_cols in CHANGES:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, new_cols, unique=False)


def downgrade() -> None:
    for table, old, old_cols, new, _new_cols in CHANGES:
        op.drop_index(new, table_name=table)
        op.create_index(old, table, old_cols, unique=False)
