"""referrals.closed_on: "abgeschlossen" follows the result instead of replacing it

Before, "abgeschlossen" was one more outcome and overwrote whether the resident had
arrived. Now the outcome keeps the result (vermittelt / angekommen / nicht
wahrgenommen / abgelehnt) and ``closed_on`` says when the referral was finished.
Rows that were "abgeschlossen" had no recorded result: they become "vermittelt"
with ``closed_on`` = their old outcome date (nothing is invented).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RESULTS = "'vermittelt', 'angekommen', 'nicht_wahrgenommen', 'abgelehnt'"
OLD = RESULTS + ", 'abgeschlossen'"


def upgrade() -> None:
    with op.batch_alter_table("referrals", recreate="always") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.drop_constraint(op.f("ck_referrals_outcome"), type_="check")
    op.execute("UPDATE referrals SET closed_on = COALESCE(outcome_on, referred_on), outcome = 'vermittelt', "
               "outcome_on = NULL, follow_up_on = NULL WHERE outcome = 'abgeschlossen'")
    with op.batch_alter_table("referrals", recreate="always") as batch:
        batch.create_check_constraint(op.f("ck_referrals_outcome"), f"outcome IN ({RESULTS})")
        batch.create_check_constraint(op.f("ck_referrals_closed_after_referral"),
                                      "closed_on IS NULL OR closed_on >= referred_on")


def downgrade() -> None:
    op.execute("UPDATE referrals SET outcome = 'abgeschlossen', outcome_on = closed_on "
               "WHERE closed_on IS NOT NULL")
    with op.batch_alter_table("referrals", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_referrals_closed_after_referral"), type_="check")
        batch.drop_constraint(op.f("ck_referrals_outcome"), type_="check")
        batch.drop_column("closed_on")
    with op.batch_alter_table("referrals", recreate="always") as batch:
        batch.create_check_constraint(op.f("ck_referrals_outcome"), f"outcome IN ({OLD})")
