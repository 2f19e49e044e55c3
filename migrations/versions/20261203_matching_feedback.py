"""matching: owners' feedback on suggestions

Revision ID: matching_1
Revises: trading_1
Create Date: 2026-12-03

match_feedback: one owner's verdict (useful or not relevant) on one suggested listing for one of their
listings, with the score it was shown with.
"""
from alembic import op
import sqlalchemy as sa

import techmarket.core.db

revision = 'matching_1'
down_revision = 'trading_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['listing.id'], name=op.f('fk_match_feedback_candidate_id_listing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_match_feedback_listing_id_listing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_match_feedback_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_feedback')),
    sa.UniqueConstraint('listing_id', 'candidate_id', 'user_id', name=op.f('uq_match_feedback_listing_id'))
    )
    with op.batch_alter_table('match_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_feedback_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_feedback_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_feedback_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('match_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_feedback_user_id'))
        batch_op.drop_index(batch_op.f('ix_match_feedback_listing_id'))
        batch_op.drop_index(batch_op.f('ix_match_feedback_candidate_id'))
    op.drop_table('match_feedback')
