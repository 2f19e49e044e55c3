"""search: a column of character bigrams beside the words

Revision ID: retrieval_1
Revises: jobs_1
Create Date: 2026-12-03

``search_document.tokens_gram`` holds the character bigrams of each document's title and lead (summary,
keywords), so that any piece of two or more Chinese characters finds it. The SQLite FTS5 table gets it as a
third column (rebuilt from the documents), the PostgreSQL GIN index covers it with weight D. The column
starts empty: run ``techmarket search reindex`` after upgrading to fill it.
"""
from alembic import op
import sqlalchemy as sa

from techmarket.search.models import PG_INDEX_DDL, PG_INDEX_DROP, SQLITE_FTS_DDL, SQLITE_FTS_DROP

# revision identifiers, used by Alembic.
revision = 'retrieval_1'
down_revision = 'jobs_1'
branch_labels = None
depends_on = None

# The structures of revision 0004 (two token columns), for the downgrade.
_OLD_INSERT = ("INSERT INTO search_fts(rowid, tokens_title, tokens_body) "
               "VALUES (new.id, new.tokens_title, new.tokens_body);")
_OLD_DELETE = ("INSERT INTO search_fts(search_fts, rowid, tokens_title, tokens_body) "
               "VALUES ('delete', old.id, old.tokens_title, old.tokens_body);")
_OLD_SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(tokens_title, tokens_body, "
    "content='search_document', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN {_OLD_INSERT} END",
    f"CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN {_OLD_DELETE} END",
    f"CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON search_document BEGIN "
    f"{_OLD_DELETE} {_OLD_INSERT} END",
]
_OLD_PG = ["CREATE INDEX IF NOT EXISTS ix_search_document_tsv ON search_document USING gin "
           "((setweight(to_tsvector('simple'::regconfig, tokens_title), 'A') || "
           "setweight(to_tsvector('simple'::regconfig, tokens_body), 'B')))"]
_REBUILD = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"


def _dialect() -> str:
    return op.get_bind().dialect.name


def upgrade():
    if _dialect() == "sqlite":
        for statement in SQLITE_FTS_DROP:
            op.execute(statement)
    elif _dialect() == "postgresql":
        for statement in PG_INDEX_DROP:
            op.execute(statement)
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens_gram', sa.Text(), server_default='', nullable=False))
    if _dialect() == "sqlite":
        for statement in [*SQLITE_FTS_DDL, _REBUILD]:
            op.execute(statement)
    elif _dialect() == "postgresql":
        for statement in PG_INDEX_DDL:
            op.execute(statement)


def downgrade():
    if _dialect() == "sqlite":
        for statement in SQLITE_FTS_DROP:
            op.execute(statement)
    elif _dialect() == "postgresql":
        for statement in PG_INDEX_DROP:
            op.execute(statement)
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_column('tokens_gram')
    if _dialect() == "sqlite":
        for statement in [*_OLD_SQLITE, _REBUILD]:
            op.execute(statement)
    elif _dialect() == "postgresql":
        for statement in _OLD_PG:
            op.execute(statement)
