"""revocable sign-ins and per-address sign-in throttling

Revision ID: security_1
Revises: 0007
Create Date: 2026-12-03

user_login: one row per sign-in; its session and remember-me cookies work only while the row exists (sign
out, sign out everywhere and password changes delete rows). login_throttle: failed sign-ins per email
address in the database, so every web worker sees the same count.
"""
from alembic import op
import sqlalchemy as sa

import techmarket.core.db

revision = 'security_1'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_login',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_login_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_login')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_login_token_hash'))
    )
    with op.batch_alter_table('user_login', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_login_user_id'), ['user_id'], unique=False)
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', techmarket.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )


def downgrade():
    op.drop_table('login_throttle')
    with op.batch_alter_table('user_login', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_login_user_id'))
    op.drop_table('user_login')
