"""claims: subsidy claims with county pre-review, certificate verification codes, brokers

Revision ID: claims_1
Revises: matching_1
Create Date: 2026-12-03

subsidy_claim (+ _contract, _step, _objection): post-subsidy claims (POLICY.md §2.5); a contract counts once per
claimant and year (unique contract, organisation, counted_year; NULL once the claim ended).
claim_bureau_area: the 旗县 or 盟市 a science-bureau user reviews for.
contract.verification_code: printed on the certificate for the public check (backfilled for registered contracts).
contract_disbursement: claim_id (a claim listed after publicity); statement_id becomes optional.
broker, broker_deal: the technology-broker registry and the registered contracts attributed to brokers.
"""
import secrets

from alembic import op
import sqlalchemy as sa
import techmarket.core.db


# revision identifiers, used by Alembic.
revision = 'claims_1'
down_revision = "reporting_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claim_bureau_area',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('division_code', sa.String(length=6), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['division.code'], name=op.f('fk_claim_bureau_area_division_code_division')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_claim_bureau_area_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_claim_bureau_area'))
    )
    with op.batch_alter_table('claim_bureau_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_bureau_area_division_code'), ['division_code'], unique=False)

    op.create_table('subsidy_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('claim_year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('division_code', sa.String(length=6), nullable=True),
    sa.Column('prefecture_code', sa.String(length=6), nullable=True),
    sa.Column('city_review', sa.Boolean(), nullable=False),
    sa.Column('requested_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('computed_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('granted_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('reduction_factor', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('rule_sets', sa.JSON(), nullable=False),
    sa.Column('last_reason', sa.Text(), nullable=False),
    sa.Column('publicity_from', sa.Date(), nullable=True),
    sa.Column('publicity_until', sa.Date(), nullable=True),
    sa.Column('submitted_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_subsidy_claim_created_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_subsidy_claim_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim'))
    )
    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claim_prefecture_code'), ['prefecture_code'], unique=False)
        batch_op.create_index('ix_subsidy_claim_queue', ['status', 'division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claim_status'), ['status'], unique=False)
        batch_op.create_index('ix_subsidy_claim_year', ['claim_year', 'status'], unique=False)

    op.create_table('subsidy_claim_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['subsidy_claim.id'], name=op.f('fk_subsidy_claim_objection_claim_id_subsidy_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_subsidy_claim_objection_decided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim_objection'))
    )
    with op.batch_alter_table('subsidy_claim_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_objection_claim_id'), ['claim_id'], unique=False)

    op.create_table('subsidy_claim_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_subsidy_claim_step_actor_id_user')),
    sa.ForeignKeyConstraint(['claim_id'], ['subsidy_claim.id'], name=op.f('fk_subsidy_claim_step_claim_id_subsidy_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim_step'))
    )
    with op.batch_alter_table('subsidy_claim_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_step_claim_id'), ['claim_id'], unique=False)

    op.create_table('subsidy_claim_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('counted_year', sa.Integer(), nullable=True),
    sa.Column('payment_ids', sa.JSON(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('subsidy', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['subsidy_claim.id'], name=op.f('fk_subsidy_claim_contract_claim_id_subsidy_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_subsidy_claim_contract_contract_id_contract')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_subsidy_claim_contract_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim_contract')),
    sa.UniqueConstraint('contract_id', 'organisation_id', 'counted_year', name='uq_subsidy_claim_contract_once')
    )
    with op.batch_alter_table('subsidy_claim_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_contract_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claim_contract_contract_id'), ['contract_id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=16), nullable=True))
    contract = sa.table('contract', sa.column('id', sa.Integer()), sa.column('verification_code', sa.String()),
                        sa.column('registration_number', sa.String()))
    conn = op.get_bind()
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    ids = conn.execute(sa.select(contract.c.id).where(contract.c.registration_number.is_not(None))).scalars().all()
    for contract_id in ids:
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        conn.execute(contract.update().where(contract.c.id == contract_id).values(verification_code=code))

    with op.batch_alter_table('contract_disbursement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_id', sa.Integer(), nullable=True))
        batch_op.alter_column('statement_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_contract_disbursement_claim_id'), ['claim_id'])
        batch_op.create_foreign_key(batch_op.f('fk_contract_disbursement_claim_id_subsidy_claim'), 'subsidy_claim', ['claim_id'], ['id'])

    op.create_table('broker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('credential_no', sa.String(length=64), nullable=False),
    sa.Column('credential_level', sa.String(length=16), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('prefecture_code', sa.String(length=6), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_broker_created_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_broker_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['prefecture_code'], ['division.code'], name=op.f('fk_broker_prefecture_code_division')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_broker_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broker')),
    sa.UniqueConstraint('credential_no', name=op.f('uq_broker_credential_no')),
    sa.UniqueConstraint('user_id', name=op.f('uq_broker_user_id'))
    )
    with op.batch_alter_table('broker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broker_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_broker_prefecture_code'), ['prefecture_code'], unique=False)

    op.create_table('broker_deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('reward', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', techmarket.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['broker_id'], ['broker.id'], name=op.f('fk_broker_deal_broker_id_broker'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_broker_deal_contract_id_contract')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_broker_deal_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broker_deal')),
    sa.UniqueConstraint('broker_id', 'contract_id', name=op.f('uq_broker_deal_broker_id'))
    )
    with op.batch_alter_table('broker_deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broker_deal_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_broker_deal_contract_id'), ['contract_id'], unique=False)


def downgrade():
    with op.batch_alter_table('broker_deal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broker_deal_contract_id'))
        batch_op.drop_index(batch_op.f('ix_broker_deal_broker_id'))

    op.drop_table('broker_deal')
    with op.batch_alter_table('broker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broker_prefecture_code'))
        batch_op.drop_index(batch_op.f('ix_broker_organisation_id'))

    op.drop_table('broker')
    with op.batch_alter_table('contract_disbursement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contract_disbursement_claim_id_subsidy_claim'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_contract_disbursement_claim_id'), type_='unique')
        batch_op.alter_column('statement_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('claim_id')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('verification_code')

    with op.batch_alter_table('subsidy_claim_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_contract_contract_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_contract_claim_id'))

    op.drop_table('subsidy_claim_contract')
    with op.batch_alter_table('subsidy_claim_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_step_claim_id'))

    op.drop_table('subsidy_claim_step')
    with op.batch_alter_table('subsidy_claim_objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_objection_claim_id'))

    op.drop_table('subsidy_claim_objection')
    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_subsidy_claim_year')
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_status'))
        batch_op.drop_index('ix_subsidy_claim_queue')
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_prefecture_code'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_organisation_id'))

    op.drop_table('subsidy_claim')
    with op.batch_alter_table('claim_bureau_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_bureau_area_division_code'))

    op.drop_table('claim_bureau_area')
