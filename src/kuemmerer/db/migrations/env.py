"""Alembic environment: runs inside the caller's transaction (see kuemmerer.db.migrate)."""

from alembic import context

from kuemmerer.db.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: rebuild tables
    transactional_ddl=True,  # SQLite's DDL is transactional; Alembic's default says no
    compare_type=True,
)
# The connection is already inside our BEGIN IMMEDIATE, so this does not commit:
# the whole upgrade is one transaction, committed or rolled back by the caller.
with context.begin_transaction():
    context.run_migrations()
