"""listing browse indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

The browse page filtered by 盟市 or by amount, and sorted by amount, read every published listing of a kind
(bench/listings.py at 100,000 listings); these indexes let it read only what it shows.
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.create_index('ix_listing_browse_region', ['kind', 'status', 'prefecture_code', 'published_at'],
                              unique=False)
        batch_op.create_index('ix_listing_browse_amount',
                              ['kind', 'status', 'amount_min', 'amount_max', 'published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.drop_index('ix_listing_browse_amount')
        batch_op.drop_index('ix_listing_browse_region')
