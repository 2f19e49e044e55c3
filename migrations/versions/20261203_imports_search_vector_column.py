"""search: the PostgreSQL tsvector as a stored generated column

Revision ID: imports_1
Revises: matching_1
Create Date: 2026-12-03

PostgreSQL only. The GIN index covered an expression (three ``to_tsvector`` calls); whenever the planner scans
rows instead of the index (a small table, or statistics not yet gathered after a bulk write) every row's
vector was computed again for every phrase of the query: 0.6 s per search over 400 documents. The vector is
now a stored generated column ``search_tsv`` (computed once when a document is written) with the GIN index
over it. Nothing to reindex: PostgreSQL fills the column for the existing rows. SQLite is unchanged (FTS5).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'imports_1'
down_revision = "api_1"
branch_labels = None
depends_on = None

_VECTOR = ("(setweight(to_tsvector('simple'::regconfig, tokens_title), 'A') || "
           "setweight(to_tsvector('simple'::regconfig, tokens_body), 'B') || "
           "setweight(to_tsvector('simple'::regconfig, tokens_gram), 'D'))")
_DROP_INDEX = "DROP INDEX IF EXISTS ix_search_document_tsv"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_DROP_INDEX)
    op.execute(f"ALTER TABLE search_document ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ({_VECTOR}) STORED")
    op.execute("CREATE INDEX ix_search_document_tsv ON search_document USING gin (search_tsv)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_DROP_INDEX)
    op.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS search_tsv")
    op.execute(f"CREATE INDEX ix_search_document_tsv ON search_document USING gin ({_VECTOR})")
