"""payments: payments through a gateway (Stripe or bank transfer), their receipts, the webhooks applied

Revision ID: payments_1
Revises: auctions_1
Create Date: 2026-12-03

market_payment: one payment for a deposit or an instalment (live_key is unique while the payment is in progress
or paid, so a subject is never paid twice); payment_receipt: bank receipts; payment_webhook_event: the gateway
events already applied (a replay changes nothing).
"""
from alembic import op
import sqlalchemy as sa
import techmarket.core.db


# revision identifiers, used by Alembic.
revision = 'payments_1'
down_revision = "auctions_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('market_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('gateway', sa.String(length=16), nullable=False),
    sa.Column('gateway_reference', sa.String(length=100), nullable=True),
    sa.Column('hold', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('live_key', sa.String(length=60), nullable=True),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('failure', sa.Text(), nullable=False),
    sa.Column('refund_reference', sa.String(length=100), nullable=False),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_market_payment_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payer_id'], ['user.id'], name=op.f('fk_market_payment_payer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_payment')),
    sa.UniqueConstraint('gateway_reference', name=op.f('uq_market_payment_gateway_reference')),
    sa.UniqueConstraint('live_key', name=op.f('uq_market_payment_live_key'))
    )
    with op.batch_alter_table('market_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_payment_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_payment_payer_id'), ['payer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_payment_status'), ['status'], unique=False)
        batch_op.create_index('ix_market_payment_subject', ['purpose', 'subject_id'], unique=False)

    op.create_table('payment_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['market_payment.id'], name=op.f('fk_payment_receipt_payment_id_market_payment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_payment_receipt_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_receipt'))
    )
    with op.batch_alter_table('payment_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_receipt_payment_id'), ['payment_id'], unique=False)

    op.create_table('payment_webhook_event',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('gateway', sa.String(length=16), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('received_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['market_payment.id'], name=op.f('fk_payment_webhook_event_payment_id_market_payment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_webhook_event'))
    )


def downgrade():
    op.drop_table('payment_webhook_event')
    with op.batch_alter_table('payment_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_receipt_payment_id'))

    op.drop_table('payment_receipt')
    with op.batch_alter_table('market_payment', schema=None) as batch_op:
        batch_op.drop_index('ix_market_payment_subject')
        batch_op.drop_index(batch_op.f('ix_market_payment_status'))
        batch_op.drop_index(batch_op.f('ix_market_payment_payer_id'))
        batch_op.drop_index(batch_op.f('ix_market_payment_contract_id'))

    op.drop_table('market_payment')
