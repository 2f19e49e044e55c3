"""The parties' pages: my contracts, the contract editor, the contract page, the seller's steps, the
printable registration certificate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from techmarket.contracts import constants as cat
from techmarket.contracts import queries, registration, services, workflow
from techmarket.contracts.forms import (
    ActionForm,
    AmendForm,
    ContractForm,
    DecisionForm,
    DocumentForm,
    PaymentDecisionForm,
    PaymentForm,
)
from techmarket.contracts.models import Contract
from techmarket.contracts.payments import outstanding
from techmarket.contracts.views import public as public_views
from techmarket.contracts.views.common import actor, back_to_contract, paging, visible_contract
from techmarket.core.clock import local_today
from techmarket.core.forms import submit
from techmarket.core.inputs import parse_int
from techmarket.core.pagination import paginate
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.orgs import queries as org_queries
from techmarket.orgs.models import Organisation

SELLER_DONE = {
    "submit": _l("Submitted for registration. A registrar will decide within the deadline shown."),
    "withdraw": _l("Withdrawn from registration."),
    "reopen": _l("Reopened as a draft."),
}


def _my_orgs() -> list[Organisation]:
    return [org for org, _role in org_queries.orgs_of_user(db.session, current_user.id)]


@login_required
def mine() -> str:
    status = request.args.get("status", "")
    status = status if status in {s.value for s in cat.Status} else ""
    page = paginate(db.session, queries.of_user(current_user.id, status or None), *paging())
    return render_template("contracts/mine.html", page=page, status=status, has_orgs=bool(_my_orgs()))


def _editor(form: ContractForm, contract: Contract | None) -> tuple[str, int]:
    status = 400 if request.method == "POST" else 200
    return render_template("contracts/form.html", form=form, contract=contract), status


@login_required
def create() -> str | Response | tuple[str, int]:
    orgs = _my_orgs()
    if not orgs:
        flash(_("Register your organisation, or ask its owner to invite you, before recording contracts."), "info")
        return redirect(url_for("orgs.create"))
    form = ContractForm()
    form.set_choices(orgs)
    if request.method == "GET":
        form.signed_on.data = local_today()
    if form.validate_on_submit() and form.check_rows():
        contract = submit(form, services.create, db.session, actor(), form.to_data())
        if contract is not None:
            db.session.commit()
            flash(_("Contract saved as a draft. Upload the signed contract, then submit it for registration."),
                  "success")
            return redirect(url_for("contracts.detail", contract_id=contract.id))
    return _editor(form, None)


@login_required
def edit(contract_id: int) -> str | Response | tuple[str, int]:
    contract = visible_contract(contract_id)
    who = actor()
    services.require_seller(db.session, who, contract)
    if contract.status == cat.Status.CANCELLED:
        flash(str(services.CANCELLED_WITH_DEAL), "warning")
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    if not services.editable(contract):
        flash(_("A contract under review or registered cannot be edited."), "warning")
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    form = ContractForm()
    form.set_choices(_my_orgs())
    if request.method == "GET":
        form.fill(contract)
    if form.validate_on_submit() and form.check_rows():
        if submit(form, services.update, db.session, who, contract, form.to_data()) is not None:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("contracts.detail", contract_id=contract_id))
        contract = visible_contract(contract_id)
    return _editor(form, contract)


@login_required
def detail(contract_id: int) -> str:
    return contract_page(visible_contract(contract_id))


def contract_page(contract: Contract, *, decision_form: DecisionForm | None = None) -> str:
    """The contract page; a decision that could not be recorded comes back here with what the registrar typed."""
    who = actor()
    seller = services.is_seller_member(db.session, who, contract)
    is_party = seller or bool(services.member_org_ids(db.session, who.user_id) & services.acting_org_ids(contract))
    registrar = who.has(Role.REGISTRAR)
    today = local_today()
    days_left = (workflow.days_left(today, contract.review_due_on)
                 if contract.review_due_on is not None and contract.status in cat.IN_REVIEW else None)
    version = str(contract.version)
    payment_form = PaymentForm(formdata=None)
    payment_form.instalment_id.choices = [
        SelectChoice(str(i.id), f"{i.seq}. {i.due_on.isoformat()} · ¥{outstanding(contract, i):,.2f}")
        for i in contract.instalments if outstanding(contract, i) > 0]
    return render_template(
        "contracts/detail.html", contract=contract, seller=seller, is_party=is_party, registrar=registrar,
        editable=services.editable(contract),
        operator=who.has(Role.OPERATOR), staff=who.has(Role.REGISTRAR, Role.OPERATOR), days_left=days_left,
        seller_actions=workflow.actions_for(contract.status, "seller") if seller else [],
        action_form=ActionForm(formdata=None, version=version),
        decision_form=decision_form or DecisionForm(formdata=None, version=version),
        amend_form=AmendForm(formdata=None, version=version),
        document_form=DocumentForm(formdata=None), payment_form=payment_form,
        payment_decision_form=PaymentDecisionForm(formdata=None),
        events=contract.events, outstanding=outstanding)


@login_required
def act(contract_id: int, action: str) -> Response:
    contract = visible_contract(contract_id)
    form = ActionForm()
    version = parse_int(form.version.data, lo=0)
    if not form.validate_on_submit() or version is None:
        abort(400)
    step = {"submit": registration.submit, "withdraw": registration.withdraw, "reopen": registration.reopen}[action]
    submit(form, step, db.session, actor(), contract, expected_version=version)
    return back_to_contract(form, contract_id, str(SELLER_DONE[action]))


@login_required
def certificate(contract_id: int) -> str:
    contract = visible_contract(contract_id)
    if contract.status != cat.Status.REGISTERED or not contract.registration_number:
        abort(404)
    return render_template("contracts/certificate.html", contract=contract, check_url=public_views.check_url(contract),
                           qr=public_views.qr_svg(contract) if contract.verification_code else None)
