"""挂牌 pages: listing an achievement for sale, the sale with its intended buyers, the operator's decisions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from techmarket.core.forms import submit
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.listings.models import Listing
from techmarket.trading import access, queries, sales
from techmarket.trading.auctions.models import Auction
from techmarket.trading.blueprint import actor, bp, get_or_404, paging
from techmarket.trading.constants import RegistrationStatus, SaleStatus
from techmarket.trading.forms import ChooseForm, ReasonForm, RegisterForm, SaleForm, version_of
from techmarket.trading.models import Registration, Sale
from techmarket.trading.terms import to_decimal

Page = str | Response | tuple[str, int]


def _back(default: str) -> str:
    """The operator's console when the decision was taken there, else the sale's page."""
    return url_for("trading.console") if request.form.get("next") == "console" else default


@bp.route("/listings/<int:listing_id>/sell", methods=["GET", "POST"])
@login_required
def sell(listing_id: int) -> Page:
    listing: Listing = get_or_404(Listing, listing_id)
    if listing.organisation_id not in access.org_ids_of(db.session, actor()):
        abort(403)
    form = SaleForm().setup(listing)
    if form.validate_on_submit():
        sale = submit(form, sales.list_for_sale, db.session, actor(), listing, form.data_obj())
        if sale is not None:
            db.session.commit()
            flash(_("Sent to the operator for approval."), "success")
            return redirect(url_for("trading.sale", sale_id=sale.id))
    html = render_template("trading/sale_form.html", listing=listing, form=form, sale=None)
    return (html, 400) if request.method == "POST" else html


def _sale_page(sale: Sale, *, register_form: RegisterForm | None = None, relist_form: SaleForm | None = None,
               choose_form: ChooseForm | None = None, status: int = 200) -> Page:
    who = actor()
    mine = access.org_ids_of(db.session, who)
    owner = sale.seller_org_id in mine
    operator = who.is_operator
    registered = {r.buyer_org_id for r in sale.registrations if r.status != RegistrationStatus.WITHDRAWN}
    buyer_orgs = [o for o in access.verified_orgs_of(db.session, who)
                  if o.id != sale.seller_org_id and o.id not in registered]  # the ones that may still register
    if register_form is None:
        register_form = RegisterForm(formdata=None)
    register_form.org_id.choices = [(o.id, o.name) for o in buyer_orgs]
    if relist_form is None:
        relist_form = SaleForm(formdata=None, obj=sale)
        relist_form.price.data = str(sale.price)
    relist_form.setup(sale.listing)
    qualified = [r for r in sale.registrations if r.status == "qualified"]
    if choose_form is None:
        choose_form = ChooseForm(formdata=None, version=str(sale.version))
        choose_form.price.data = str(sale.price)
    choose_form.registration_id.choices = [(r.id, r.buyer_org.name) for r in qualified]
    shown = sale.registrations if owner or operator else [r for r in sale.registrations if r.buyer_org_id in mine]
    html = render_template(
        "trading/sale.html", sale=sale, owner=owner, operator=operator, registrations=shown,
        register_form=register_form, relist_form=relist_form, choose_form=choose_form,
        reason_form=ReasonForm(formdata=None), days_left=sales.days_left(sale),
        sale_auction=db.session.scalar(select(Auction).where(Auction.sale_id == sale.id)),
        may_register=sale.status == SaleStatus.OPEN and bool(buyer_orgs),
        problems={r.id: sales.qualification_problems(db.session, r) for r in shown} if operator else {})
    return (html, status) if status != 200 else html


@bp.route("/sales/")
def sales_index() -> str:
    """The public list of 挂牌 sales (挂牌项目): running ones first, each with its price and what is left of its
    period."""
    status = request.args.get("status") or None
    if status not in (None, *queries.PUBLIC_SALES):
        status = None
    page = paginate(db.session, queries.public_sales(status), *paging())
    return render_template("trading/sales_index.html", page=page, status=status, statuses=queries.PUBLIC_SALES,
                           days_left=sales.days_left)


@bp.route("/sales/<int:sale_id>")
def sale(sale_id: int) -> Page:
    s: Sale = get_or_404(Sale, sale_id)
    who = actor()
    if s.status in (SaleStatus.PENDING, SaleStatus.REFUSED, SaleStatus.WITHDRAWN) and not (
            who.is_operator or s.seller_org_id in access.org_ids_of(db.session, who)):
        abort(404)
    before = s.status
    sales.settle(db.session, s)
    if s.status != before:
        db.session.commit()
    return _sale_page(s)


@bp.route("/sales/<int:sale_id>/register", methods=["POST"])
@login_required
def register(sale_id: int) -> Page:
    s: Sale = get_or_404(Sale, sale_id)
    form = RegisterForm()
    form.org_id.choices = []
    if form.validate_on_submit():
        reg = submit(form, sales.register, db.session, actor(), s, form.org_id.data, form.statement.data or "")
        if reg is not None:
            db.session.commit()
            flash(_("Registered as an intended buyer. The operator checks your qualification."), "success")
            return redirect(url_for("trading.sale", sale_id=s.id))
    return _sale_page(s, register_form=form, status=400)


@bp.route("/sales/<int:sale_id>/<any(approve, refuse, withdraw):action>", methods=["POST"])
@login_required
def decide_sale(sale_id: int, action: str) -> Page:
    s: Sale = get_or_404(Sale, sale_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    version, who = version_of(form), actor()
    if action == "approve":
        sales.approve(db.session, who, s, expected_version=version)
        message = _("Approved: the listing period runs until %(date)s.", date=s.ends_on)
    elif action == "withdraw":
        sales.withdraw(db.session, who, s, expected_version=version)
        message = _("The sale is withdrawn.")
    else:
        if submit(form, sales.refuse, db.session, who, s, form.reason.data or "", expected_version=version) is None:
            flash(_("Give the reason."), "danger")
            return redirect(url_for("trading.sale", sale_id=s.id))
        message = _("The sale is refused.")
    db.session.commit()
    flash(message, "success")
    return redirect(_back(url_for("trading.sale", sale_id=s.id)))


@bp.route("/sales/<int:sale_id>/relist", methods=["POST"])
@login_required
def relist(sale_id: int) -> Page:
    s: Sale = get_or_404(Sale, sale_id)
    form = SaleForm().setup(s.listing)
    if form.validate_on_submit():
        done = submit(form, sales.relist, db.session, actor(), s, form.data_obj(), expected_version=version_of(form))
        if done is not None:
            db.session.commit()
            flash(_("Sent to the operator for approval."), "success")
            return redirect(url_for("trading.sale", sale_id=s.id))
    return _sale_page(s, relist_form=form, status=400)


@bp.route("/sales/<int:sale_id>/choose", methods=["POST"])
@login_required
def choose(sale_id: int) -> Page:
    s: Sale = get_or_404(Sale, sale_id)
    form = ChooseForm()
    form.registration_id.choices = []
    if form.validate_on_submit():
        reg = db.session.get(Registration, form.registration_id.data or 0)
        if reg is None:
            abort(400)
        deal = submit(form, sales.choose, db.session, actor(), s, reg, to_decimal(form.price.data),
                      expected_version=version_of(form))
        if deal is not None:
            db.session.commit()
            flash(_("The buyer is recorded and the deal is made."), "success")
            return redirect(url_for("trading.deal", deal_id=deal.id))
    return _sale_page(s, choose_form=form, status=400)


@bp.route("/registrations/<int:reg_id>/<any(qualify, refuse, withdraw):action>", methods=["POST"])
@login_required
def decide_registration(reg_id: int, action: str) -> Page:
    reg: Registration = get_or_404(Registration, reg_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    who, version = actor(), version_of(form)
    if action == "qualify":
        sales.qualify(db.session, who, reg, expected_version=version)
        message = _("%(org)s qualifies.", org=reg.buyer_org.name)
    elif action == "withdraw":
        sales.withdraw_registration(db.session, who, reg)
        message = _("Your registration is withdrawn.")
    else:
        if submit(form, sales.refuse_registration, db.session, who, reg, form.reason.data or "",
                  expected_version=version) is None:
            flash(_("Give the reason."), "danger")
            return redirect(url_for("trading.sale", sale_id=reg.sale_id))
        message = _("%(org)s is refused.", org=reg.buyer_org.name)
    db.session.commit()
    flash(message, "success")
    return redirect(_back(url_for("trading.sale", sale_id=reg.sale_id)))
