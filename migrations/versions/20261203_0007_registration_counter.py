"""registration number counter; disbursement status

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Registration numbers came from max(seq) + 1, so two registrars registering two different contracts at the
same moment raced for one number and the second was told, wrongly, that the contract had been decided. One
counter row per year, advanced under its row lock, gives each its own number.

A disbursement gets a status (due, paid) so that paying it is a transition of the shared state machine.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'registration_counter',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_registration_counter')),
    )
    op.execute("INSERT INTO registration_counter (year, last_seq) SELECT registration_year, MAX(registration_seq) "
               "FROM contract WHERE registration_year IS NOT NULL GROUP BY registration_year")
    with op.batch_alter_table('contract_disbursement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=8), server_default='due', nullable=False))
    op.execute("UPDATE contract_disbursement SET status = 'paid' WHERE paid_on IS NOT NULL")


def downgrade():
    with op.batch_alter_table('contract_disbursement', schema=None) as batch_op:
        batch_op.drop_column('status')
    op.drop_table('registration_counter')
