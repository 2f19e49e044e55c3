"""The challenge blueprints: their URL table and the labels their templates use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g
from flask_babel import get_locale

from techmarket.challenges import constants as cat
from techmarket.challenges.views import apply as apply_views
from techmarket.challenges.views import calls as call_views
from techmarket.challenges.views import console as console_views
from techmarket.challenges.views import fitting as fitting_views
from techmarket.challenges.views import project as project_views
from techmarket.challenges.views import review as review_views
from techmarket.core import clock
from techmarket.listings.constants import FIELDS
from techmarket.orgs.constants import ORG_TYPE_LABELS

bp = Blueprint("challenges", __name__, url_prefix="/challenges")
console = Blueprint("challenges_admin", __name__, url_prefix="/admin/challenges")

LABELS: dict[str, Any] = {
    "call": cat.CALL_STATUS_LABELS, "app": cat.APP_STATUS_LABELS, "member": cat.MEMBER_STATUS_LABELS,
    "review": cat.REVIEW_STATUS_LABELS, "call_objection": cat.OBJECTION_STATUS_LABELS, "mode": cat.SELECTION_MODES,
    "fund": cat.FUND_SOURCES, "scope": cat.REGION_SCOPES, "ip": cat.IP_OWNERS, "field": FIELDS,
    "org_type": ORG_TYPE_LABELS, "milestone": cat.MILESTONE_STATUS_LABELS, "result": cat.TARGET_RESULTS,
    "transfer_kind": cat.TRANSFER_KINDS, "transfer": cat.TRANSFER_STATUS_LABELS,
}


def template_context() -> dict[str, Any]:
    def clabel(group: str, value: Any) -> Any:
        return LABELS[group].get(value, value)

    chinese = str(get_locale() or "zh").startswith("zh")
    # Punctuation of the reader's language: Chinese marks on Chinese pages, ASCII ones on English pages.
    return {"clabel": clabel, "colon": "：" if chinese else ": ", "listsep": "、" if chinese else ", ",
            "clausesep": "；" if chinese else "; ", "lparen": "（" if chinese else " (",
            "rparen": "）" if chinese else ")"}


def use_injected_clock() -> None:
    """``CHALLENGES_CLOCK`` (a callable, tests only) is "now" for this request and every service it calls: the
    deadline, the 5 working days of publicity and the dates recorded on the way."""
    source = current_app.config.get("CHALLENGES_CLOCK")
    if callable(source):
        g.challenges_clock = clock.inject(source)


def restore_clock(exc: BaseException | None = None) -> None:
    token = g.pop("challenges_clock", None)
    if token is not None:
        clock.restore(token)


for _bp in (bp, console):
    _bp.context_processor(template_context)
    _bp.before_request(use_injected_clock)
    _bp.teardown_request(restore_clock)
bp.add_app_template_global(fitting_views.fitting_calls_panel, "fitting_calls_panel")


URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/", call_views.index, ["GET"]),
    (bp, "/mine", call_views.mine, ["GET"]),
    (bp, "/new", call_views.create, ["GET", "POST"]),
    (bp, "/<int:call_id>", call_views.detail, ["GET"]),
    (bp, "/<int:call_id>/edit", call_views.edit, ["GET", "POST"]),
    (bp, "/<int:call_id>/act/<any(submit, approve, return, withdraw):action>", call_views.act, ["POST"]),
    (bp, "/<int:call_id>/nda", call_views.accept_nda, ["POST"]),
    (bp, "/<int:call_id>/questions", call_views.ask, ["POST"]),
    (bp, "/<int:call_id>/clarifications", call_views.clarify, ["POST"]),
    (bp, "/questions/<int:question_id>/answer", call_views.answer, ["POST"]),
    (bp, "/<int:call_id>/apply", call_views.start_application, ["POST"]),
    (bp, "/applications/<int:application_id>", apply_views.application, ["GET", "POST"]),
    (bp, "/applications/<int:application_id>/members", apply_views.invite, ["POST"]),
    (bp, "/applications/<int:application_id>/members/<int:member_id>/remove", apply_views.remove_member, ["POST"]),
    (bp, "/applications/<int:application_id>/shares", apply_views.shares, ["POST"]),
    (bp, "/applications/<int:application_id>/<any(submit, withdraw):action>", apply_views.act, ["POST"]),
    (bp, "/applications/<int:application_id>/files", apply_views.add_file, ["POST"]),
    (bp, "/applications/<int:application_id>/files/<int:file_id>", apply_views.download_file, ["GET"]),
    (bp, "/applications/<int:application_id>/files/<int:file_id>/delete", apply_views.remove_file, ["POST"]),
    (bp, "/members/<int:member_id>/<any(confirm, decline):answer>", apply_views.answer_invitation, ["POST"]),
    (bp, "/applications/<int:application_id>/formal/<any(pass, fail):verdict>", review_views.formal, ["POST"]),
    (bp, "/<int:call_id>/panel", review_views.panel, ["GET", "POST"]),
    (bp, "/reviews/<int:review_id>", review_views.review_page, ["GET", "POST"]),
    (bp, "/reviews/<int:review_id>/recuse", review_views.recuse, ["POST"]),
    (bp, "/<int:call_id>/decide", review_views.decide, ["POST"]),
    (bp, "/<int:call_id>/objections", review_views.object_to, ["POST"]),
    (bp, "/objections/<int:objection_id>/<any(uphold, dismiss):verdict>", review_views.decide_objection, ["POST"]),
    (bp, "/<int:call_id>/finalise", review_views.finalise, ["POST"]),
    (bp, "/projects/<int:application_id>", project_views.page, ["GET"]),
    (bp, "/projects/<int:application_id>/funding", project_views.fund, ["POST"]),
    (bp, "/milestones/<int:milestone_id>/<any(deliver, accept, reject, expert_pass, expert_fail, ask_diligence, "
         "diligent, not_diligent):action>", project_views.act, ["POST"]),
    (bp, "/milestones/<int:milestone_id>/files/<int:file_id>", project_views.download, ["GET"]),
    (bp, "/transfers/<int:transfer_id>/<any(confirm, reject):decision>", project_views.decide_transfer, ["POST"]),
    (console, "/", console_views.console, ["GET"]),
)

_NAMES = {review_views.review_page: "review", apply_views.act: "application_act", call_views.act: "act",
          project_views.page: "project", project_views.act: "milestone_act", project_views.download: "milestone_file"}

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, _NAMES.get(_view, _view.__name__), _view, methods=_methods)

BLUEPRINTS = (bp, console)
