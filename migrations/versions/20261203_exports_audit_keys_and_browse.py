"""audit hash version; listing browse indexes

Revision ID: exports_1
Revises: security_1
Create Date: 2026-12-03

Audit entries get ``hash_version``: existing entries were hashed with plain SHA-256 and keep version 1
(they still verify); entries written from now on are HMAC-SHA256 under TECHMARKET_AUDIT_KEY (version 2).

The browse page (bench/listings.py at 100,000 listings) reads a page's ids from an index alone: the region
index also carries id and the amounts, and two expression indexes give the price order, negotiable last, in
each direction (listings/queries.py PRICE and _order repeat these expressions exactly).
"""
from alembic import op
import sqlalchemy as sa

PRICE = 'coalesce(amount_min, amount_max)'

revision = 'exports_1'
down_revision = 'security_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_version', sa.Integer(), server_default='1', nullable=False))
    op.drop_index('ix_listing_browse_region', table_name='listing')
    op.create_index('ix_listing_browse_region', 'listing',
                    ['kind', 'status', 'prefecture_code', 'published_at', 'id', 'amount_min', 'amount_max'])
    op.create_index('ix_listing_browse_price_asc', 'listing',
                    ['kind', 'status', sa.text(f'({PRICE} IS NULL)'), sa.text(PRICE), sa.text('id DESC'),
                     'amount_min', 'amount_max', 'prefecture_code'])
    op.create_index('ix_listing_browse_price_desc', 'listing',
                    ['kind', 'status', sa.text(f'({PRICE} IS NOT NULL)'), sa.text(PRICE), 'id',
                     'amount_min', 'amount_max', 'prefecture_code'])


def downgrade():
    op.drop_index('ix_listing_browse_price_desc', table_name='listing')
    op.drop_index('ix_listing_browse_price_asc', table_name='listing')
    op.drop_index('ix_listing_browse_region', table_name='listing')
    op.create_index('ix_listing_browse_region', 'listing', ['kind', 'status', 'prefecture_code', 'published_at'])
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('hash_version')
