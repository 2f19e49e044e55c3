"""Contract instalments paid online through the gateway, beside the bank transfers the contracts domain keeps.

A party starts the payment; when the gateway reports it succeeded, the contract payment is recorded and
confirmed through the contracts domain's own service (a downward call, with a system actor), so the
statement's post-subsidy reads it like a confirmed transfer.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.contracts import payments as contract_payments
from techmarket.contracts.models import Contract
from techmarket.contracts.services import require_party
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.errors import Conflict, NotFound
from techmarket.core.events import DomainEvent
from techmarket.payments import services
from techmarket.payments.gateway import GatewayPayment, PaymentGateway
from techmarket.payments.models import MarketPayment


def pay(session: Session, actor: Actor, gateway: PaymentGateway, contract: Contract, instalment_id: int, *,
        payment_method: str | None = None) -> tuple[MarketPayment, GatewayPayment | None]:
    """A party pays what is still open on an instalment."""
    require_party(session, actor, contract)
    if contract.status in contract_payments.CLOSED:
        raise Conflict(_l("Payments are recorded for submitted or registered contracts only."))
    instalment = next((i for i in contract.instalments if i.id == instalment_id), None)
    if instalment is None:
        raise NotFound(_l("No such instalment."))
    amount = contract_payments.outstanding(contract, instalment)
    if amount <= 0:
        raise Conflict(_l("This instalment is paid."))
    return services.start(session, actor, gateway, purpose="instalment", subject_id=instalment.id, amount=amount,
                          contract_id=contract.id, payment_method=payment_method,
                          metadata={"contract_id": str(contract.id), "instalment": str(instalment.seq)})


def settle(session: Session, event: DomainEvent) -> None:
    """Listener (in the transaction) on ``payment.succeeded`` and ``payment.captured``: the contract payment is
    recorded and confirmed."""
    payment: MarketPayment = event.subject
    if payment.purpose != "instalment" or payment.contract_id is None:
        return
    contract_payments.record_online(session, Actor.system("payments"), payment.contract_id, payment.subject_id,
                                    amount=payment.amount, reference=f"{payment.gateway}:{payment.gateway_reference}",
                                    paid_on=local_today())


def open_for(session: Session, contract: Contract) -> dict[int, MarketPayment]:
    """The live online payments of a contract's instalments, by instalment id (for the contract page)."""
    found = {}
    for instalment in contract.instalments:
        payment = services.live_for(session, "instalment", instalment.id)
        if payment is not None:
            found[instalment.id] = payment
    return found
