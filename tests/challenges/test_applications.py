"""Applying alone or as a consortium with a foreign member; eligibility at submit; the deadline; attachments."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from flask_babel import force_locale

from techmarket.challenges import applications
from techmarket.challenges.constants import AppStatus
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.extensions import db
from tests.challenges.builders import complete, pass_deadline, scene

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_consortium_with_a_foreign_member(app, make) -> None:
    s = scene(make)
    with pytest.raises(PermissionDenied):  # the poster cannot apply to its own call
        applications.start(db.session, s.p, s.call, s.poster_org.id)
    a = applications.start(db.session, s.a, s.call, s.applicant_org.id)
    complete(a, s.a)
    member = applications.invite(db.session, s.a, a, s.partner_org.foreign_registration, "材料表征")
    db.session.commit()
    assert member.status == "invited" and member.country == "德国" and member.registration_number

    lead = next(m for m in a.members if m.is_lead)
    with pytest.raises(ValidationFailed) as err:  # shares that do not add up to 100: nothing changes
        applications.set_shares(db.session, s.a, a, {lead.id: ("牵头", Decimal(70), Decimal(70)),
                                                     member.id: ("表征", Decimal(20), Decimal(30))})
    assert "90" in str(err.value.field_errors["shares"])
    db.session.rollback()
    assert lead.work_share == Decimal(100)
    applications.set_shares(db.session, s.a, a, {lead.id: ("牵头", Decimal(70), Decimal(60)),
                                                 member.id: ("表征", Decimal(30), Decimal(40))})
    db.session.commit()

    with pytest.raises(ValidationFailed) as err:  # the member has not confirmed yet
        applications.submit(db.session, s.a, a)
    assert "not confirmed" in str(err.value.message)
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # only the invited organisation answers
        applications.answer_invitation(db.session, s.a, member, True)
    applications.answer_invitation(db.session, s.f, member, True)
    applications.submit(db.session, s.a, a)
    db.session.commit()
    assert a.status == AppStatus.SUBMITTED and a.submitted_at is not None

    # edit until the deadline; nothing after it
    applications.save(db.session, s.a, a, title="修改后的方案", sections=a.sections, milestones=a.milestones,
                      budget=Decimal("2900000"))
    db.session.commit()
    pass_deadline(s.call)
    with pytest.raises(ValidationFailed, match="deadline"):
        applications.withdraw(db.session, s.a, a)
    with pytest.raises(ValidationFailed, match="deadline"):
        applications.save(db.session, s.a, a, title="太晚", sections=a.sections, milestones=a.milestones,
                          budget=Decimal(1))
    db.session.rollback()
    assert a.title == "修改后的方案" and a.status == AppStatus.SUBMITTED


def test_eligibility_is_checked_at_submit_with_the_reason(make) -> None:
    s = scene(make, region_scope="china", org_types=["enterprise"])
    a = applications.start(db.session, s.a, s.call, s.applicant_org.id)
    complete(a, s.a)
    m = applications.invite(db.session, s.a, a, s.partner_org.foreign_registration, "")
    lead = next(x for x in a.members if x.is_lead)
    applications.set_shares(db.session, s.a, a, {lead.id: ("", Decimal(50), Decimal(50)),
                                                 m.id: ("", Decimal(50), Decimal(50))})
    applications.answer_invitation(db.session, s.f, m, True)
    db.session.commit()
    with pytest.raises(ValidationFailed) as err:
        applications.submit(db.session, s.a, a)
    # the foreign institute is outside the call's area and not of an accepted type; the enterprise lead is fine
    assert "outside the area" in str(err.value.message) and "accepts only" in str(err.value.message)
    assert s.applicant_org.name not in str(err.value.message)
    db.session.rollback()
    assert a.status == AppStatus.DRAFT


def test_milestones_and_attachments_are_checked(app, make) -> None:
    s = scene(make, consortium_allowed=False)
    a = applications.start(db.session, s.a, s.call, s.applicant_org.id)
    with pytest.raises(ValidationFailed, match="consortia"):
        applications.invite(db.session, s.a, a, s.partner_org.foreign_registration, "")
    with pytest.raises(ValidationFailed, match="YYYY-MM-DD"):
        applications.save(db.session, s.a, a, title="方案", sections={}, budget=Decimal(1),
                          milestones=[{"deliverable": "样品", "due_on": "明年", "share": "100"}])
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="Only PDF"):
        applications.add_file(db.session, s.a, a, "plan.pdf", io.BytesIO(b"MZ\x90\x00 not a pdf"),
                              instance_path=app.instance_path, max_bytes=1 << 20)
    db.session.rollback()
    row = applications.add_file(db.session, s.a, a, "plan.pdf", io.BytesIO(PDF), instance_path=app.instance_path,
                                max_bytes=1 << 20)
    db.session.commit()
    assert row.content_type == "application/pdf" and len(a.files) == 1


def test_the_reasons_a_submission_fails_read_as_sentences(app, make) -> None:
    """The reasons were joined with "；" after their own full stops: "部分。；请填写" (and "；" in English)."""
    s = scene(make)
    a = applications.start(db.session, s.a, s.call, s.applicant_org.id)
    db.session.commit()
    for locale, good, bad in (("zh_Hans_CN", "部分。请填写", "。；"), ("en", "”. Fill in", "；")):
        with app.test_request_context(), force_locale(locale), pytest.raises(ValidationFailed) as err:
            applications.submit(db.session, s.a, a)
        message = str(err.value.message)
        assert good in message and bad not in message, message
        db.session.rollback()
