"""fixes: a contract cancelled with its deal gets its own state

Revision ID: fixes_1
Revises: callsflow_1
Create Date: 2026-12-03

contract.status 'cancelled': a draft contract whose deal was cancelled (an upheld objection annulled the auction)
was set to 'withdrawn', from which the seller could reopen, edit and submit it. Those rows move to 'cancelled',
which nothing leaves.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fixes_1'
down_revision = 'callsflow_1'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE contract SET status = 'cancelled' WHERE status = 'withdrawn' AND id IN "
               "(SELECT contract_id FROM trade_deal WHERE status = 'cancelled' AND contract_id IS NOT NULL)")


def downgrade():
    op.execute("UPDATE contract SET status = 'withdrawn' WHERE status = 'cancelled'")
