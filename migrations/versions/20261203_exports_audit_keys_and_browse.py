"""audit hash version; listing browse indexes

Revision ID: exports_1
Revises: 0006
Create Date: 2026-12-03

Audit entries get ``hash_version``: existing entries were hashed with plain SHA-256 and keep version 1
(they still verify); entries written from now on are HMAC-SHA256 under TECHMARKET_AUDIT_KEY (version 2).
"""
from alembic import op
import sqlalchemy as sa

revision = 'exports_1'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('hash_version')
