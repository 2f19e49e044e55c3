"""callsflow: consortium members as contract parties (role "member" with their budget share)

Revision ID: callsflow_1
Revises: payments_1
Create Date: 2026-12-03

contract_party: one row per role becomes one row per (role, position), so a development contract from an awarded
call lists every consortium member next to the lead; budget_share: the member's share of the amount in percent.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'callsflow_1'
down_revision = "imports_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contract_party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budget_share', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.drop_constraint('uq_contract_party_contract_id', type_='unique')
        batch_op.create_unique_constraint('uq_contract_party_role_position', ['contract_id', 'role', 'position'])


def downgrade():
    op.execute("DELETE FROM contract_party WHERE role = 'member'")
    with op.batch_alter_table('contract_party', schema=None) as batch_op:
        batch_op.drop_constraint('uq_contract_party_role_position', type_='unique')
        batch_op.create_unique_constraint('uq_contract_party_contract_id', ['contract_id', 'role'])
        batch_op.drop_column('budget_share')
