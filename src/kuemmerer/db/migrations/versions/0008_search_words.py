"""Word index for person and request search (issue 12 §3)

- ``person_search_words`` / ``request_search_words``: every word of ``search_text`` in the
  one spelling search looks it up by (ASCII lower case, "ae"/"oe"/"ue" → "a"/"o"/"u", as
  db.search_key.spelling_key), kind 0; and every suffix of a word from each digit on, kind 1
  (a phone number is found by any part of it). A search for a word prefix is then a range
  of the primary key, not a ``LIKE`` over every row; counts come from the same index.
- Triggers on ``persons`` and ``requests`` keep the index in step with ``search_text`` on
  every insert, update and delete, whoever writes (the ORM, raw SQL, the benchmark
  generator); this revision fills it for the existing rows with the same SQL.

A later migration that rebuilds ``persons`` or ``requests`` (batch mode: copy, drop,
rename) drops these triggers with the old table: it must create them again
(``create_triggers`` below; tests/test_search_index.py checks they exist at head).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (index table, owner table, owner column)
INDEXES = (("person_search_words", "persons", "person_id"), ("request_search_words", "requests", "request_id"))
PASSES = 3  # "ae"/"oe"/"ue" → "a"/"o"/"u", three times ("aeee" → "a"), as db.search_key.spelling_key


def _json_words(text: str) -> str:
    """``text`` split at spaces, as a JSON array of strings (backslash and quote escaped);
    '[]' for text that is no valid JSON5 even so (a NUL character)."""
    array = f"""('["' || replace(replace(replace({text}, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]')"""
    return f"(CASE WHEN json_valid({array}, 2) THEN {array} ELSE '[]' END)"


def _spelling(expr: str) -> str:
    out = f"lower({expr})"
    for _ in range(PASSES):
        out = f"replace(replace(replace({out}, 'ae', 'a'), 'oe', 'o'), 'ue', 'u')"
    return out


def words_of(text: str, owner_id: str, source: str = "") -> str:
    """SELECT (kind, word, owner id) for every index entry of the search text ``text`` (an
    SQL expression over ``source``, the owner table, or NEW/OLD in a trigger)."""
    tokens = f"{source}json_each({_json_words(text)}) AS t"
    # positions 0 … length-1 of a word: the keys of a JSON array of that many zeros
    positions = "json_each('[' || substr(replace(hex(zeroblob(length(t.value))), '00', ',0'), 2) || ']') AS p"
    return (f"SELECT 0 AS kind, {_spelling('t.value')} AS word, {owner_id} AS owner FROM {tokens} WHERE t.value <> '' "
            f"UNION ALL SELECT 1, substr(t.value, p.key + 1), {owner_id} FROM {tokens}, {positions} "
            f"WHERE t.value GLOB '*[0-9]*' AND substr(t.value, p.key + 1, 1) GLOB '[0-9]'")


def trigger_sql(index: str, owner: str, column: str) -> list[str]:
    insert = f"INSERT OR IGNORE INTO {index} (kind, word, {column}) {words_of('NEW.search_text', 'NEW.id')};"
    delete = (f"DELETE FROM {index} WHERE {column} = OLD.id AND (kind, word) IN "
              f"(SELECT kind, word FROM ({words_of('OLD.search_text', 'OLD.id')}));")
    return [
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {owner} BEGIN {insert} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF id, search_text ON {owner} "
        f"WHEN NEW.search_text IS NOT OLD.search_text OR NEW.id IS NOT OLD.id BEGIN {delete} {insert} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {owner} BEGIN {delete} END",
    ]


def create_triggers() -> None:
    for index, owner, column in INDEXES:
        for sql in trigger_sql(index, owner, column):
            op.execute(sql)


def upgrade() -> None:
    for index, owner, column in INDEXES:
        op.create_table(
            index,
            sa.Column("kind", sa.Integer(), nullable=False),
            sa.Column("word", sa.Text(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("kind", "word", column, name=op.f(f"pk_{index}")),
            sqlite_with_rowid=False,
        )
        op.execute(f"INSERT OR IGNORE INTO {index} (kind, word, {column}) SELECT * FROM "
                   f"({words_of('o.search_text', 'o.id', f'{owner} AS o, ')}) ORDER BY 1, 2, 3")
    create_triggers()


def downgrade() -> None:
    for index, _owner, _column in INDEXES:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{action}")
        op.drop_table(index)
