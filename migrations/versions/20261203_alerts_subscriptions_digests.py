"""alerts: subscriptions, digests and delivered items

Revision ID: alerts_1
Revises: matching_1
Create Date: 2026-12-03

subscription: a user's saved search or followed field / 盟市 / organisation / demand, with a frequency.
alert_digest: one digest per user and period (day or ISO week).
alert_delivery: every item delivered to a user, unique per (user, item): never the same item twice.
"""
from alembic import op
import sqlalchemy as sa

import techmarket.core.db

revision = 'alerts_1'
down_revision = "challenges_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_subscription_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
    sa.UniqueConstraint('user_id', 'kind', 'target', name=op.f('uq_subscription_user_id'))
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_frequency'), ['frequency'], unique=False)
    op.create_table('alert_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('period_key', sa.String(length=16), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_alert_digest_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_digest')),
    sa.UniqueConstraint('user_id', 'period', 'period_key', name=op.f('uq_alert_digest_user_id'))
    )
    with op.batch_alter_table('alert_digest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_digest_user_id'), ['user_id'], unique=False)
    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=24), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.Column('delivered_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_alert_delivery_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscription.id'], name=op.f('fk_alert_delivery_subscription_id_subscription'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['digest_id'], ['alert_digest.id'], name=op.f('fk_alert_delivery_digest_id_alert_digest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_delivery')),
    sa.UniqueConstraint('user_id', 'item_kind', 'item_id', name=op.f('uq_alert_delivery_user_id'))
    )
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_delivery_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_delivery_digest_id'), ['digest_id'], unique=False)


def downgrade():
    op.drop_table('alert_delivery')
    op.drop_table('alert_digest')
    op.drop_table('subscription')
