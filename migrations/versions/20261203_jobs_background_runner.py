"""background job table (local runner) and job run heartbeat

Revision ID: jobs_1
Revises: exports_1
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa
import techmarket.core.db


# revision identifiers, used by Alembic.
revision = 'jobs_1'
down_revision = 'exports_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('queued_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('func_path', sa.String(length=200), nullable=False),
    sa.Column('kwargs', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('timeout_seconds', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('locked_by', sa.String(length=80), nullable=True),
    sa.Column('locked_until', techmarket.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queued_job'))
    )
    with op.batch_alter_table('queued_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queued_job_status'), ['status'], unique=False)

    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')

    with op.batch_alter_table('queued_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queued_job_status'))

    op.drop_table('queued_job')
