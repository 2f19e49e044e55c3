"""What is added to a contract after it is written: documents, payments, and the registrar's decisions.

Each form posts here and comes back to the contract page; an error is shown there as a message.
"""

from __future__ import annotations

from flask import abort, current_app, flash, send_file
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from techmarket.contracts import documents, payments, registration
from techmarket.contracts.forms import (
    ActionForm,
    AmendForm,
    DecisionForm,
    DocumentForm,
    PaymentDecisionForm,
    PaymentForm,
)
from techmarket.contracts.views.common import actor, back_to, back_to_contract, visible_contract
from techmarket.contracts.views.party import contract_page
from techmarket.core.forms import submit
from techmarket.core.inputs import parse_int
from techmarket.extensions import db


def _max_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def _version(form: FlaskForm) -> int:
    version = parse_int(form.version.data, lo=0)
    if version is None:
        abort(400)
    return version


@login_required
def add_document(contract_id: int) -> Response:
    contract = visible_contract(contract_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        submit(form, documents.add, db.session, actor(), contract, form.kind.data or "", upload.filename or "file",
               upload.stream, instance_path=current_app.instance_path, max_bytes=_max_bytes())
    return back_to_contract(form, contract_id, _("Document added."), "documents")


@login_required
def delete_document(contract_id: int, document_id: int) -> Response:
    contract = visible_contract(contract_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    documents.remove(db.session, actor(), contract, document_id)
    db.session.commit()
    flash(_("Document removed."), "info")
    return back_to(contract_id, "documents")


@login_required
def download_document(contract_id: int, document_id: int) -> Response:
    contract = visible_contract(contract_id)
    doc = next((d for d in contract.documents if d.id == document_id), None)
    if doc is None:
        abort(404)
    path = documents.path_of(current_app.instance_path, doc)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=doc.content_type, as_attachment=True, download_name=doc.filename, max_age=0)


@login_required
def record_payment(contract_id: int) -> Response:
    contract = visible_contract(contract_id)
    form = PaymentForm()
    form.instalment_id.choices = [SelectChoice(str(i.id), str(i.seq)) for i in contract.instalments]
    if form.validate_on_submit():
        upload = form.file.data
        submit(form, payments.record, db.session, actor(), contract, instalment_id=form.instalment_id.data,
               paid_on=form.paid_on.data, amount=form.amount.data, reference=form.reference.data or "",
               filename=upload.filename or "receipt", stream=upload.stream,
               instance_path=current_app.instance_path, max_bytes=_max_bytes())
    return back_to_contract(form, contract_id, _("Payment recorded. The market operator will confirm it against "
                                                 "the receipt."), "payments")


@login_required
def decide_payment(payment_id: int, decision: str) -> Response:
    payment = payments.get(db.session, payment_id)
    visible_contract(payment.contract_id)
    form = PaymentDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    submit(form, payments.decide, db.session, actor(), payment, confirm=decision == "confirm",
           note=form.note.data or "", expected_version=_version(form))
    message = _("Payment confirmed.") if decision == "confirm" else _("Payment not confirmed; the parties are told.")
    return back_to_contract(form, payment.contract_id, message, "payments")


@login_required
def decide(contract_id: int) -> Response | tuple[str, int]:
    """Record the registrar's decision; without a chosen outcome, or with a field the outcome needs left
    empty, the contract page comes back (400) with the message beside the field and what was typed."""
    contract = visible_contract(contract_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return contract_page(contract, decision_form=form), 400
    who, version = actor(), _version(form)
    if form.decision.data == "approve":
        pattern = current_app.config["REGISTRATION_NUMBER_PATTERN"]
        done = submit(form, registration.approve, db.session, who, contract, expected_version=version,
                      expert_opinion=form.expert_opinion.data or "", pattern=pattern)
    elif form.decision.data == "return":
        done = submit(form, registration.return_for_material, db.session, who, contract, form.reason.data or "",
                      expected_version=version)
    else:
        done = submit(form, registration.refuse, db.session, who, contract, form.reasons.data or [],
                      form.note.data or "", expected_version=version)
    if done is None:
        return contract_page(visible_contract(contract_id), decision_form=form), 400
    return back_to_contract(form, contract_id, _("Decision recorded."), "registrar-decision")


@login_required
def amend(contract_id: int) -> Response:
    contract = visible_contract(contract_id)
    form = AmendForm()
    if form.validate_on_submit():
        who, version = actor(), _version(form)
        if form.action.data == "rescind":
            submit(form, registration.rescind, db.session, who, contract, reason=form.reason.data or "",
                   expected_version=version)
        else:
            submit(form, registration.amend, db.session, who, contract, reason=form.reason.data or "",
                   total_amount=form.total_amount.data, technical_amount=form.technical_amount.data,
                   expected_version=version)
    return back_to_contract(form, contract_id,
                            _("Recorded. Statements that used this contract are flagged for review."),
                            "registrar-decision")
