"""Members: invitations by email, accepting, leaving, removing, roles."""

from __future__ import annotations

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from techmarket.extensions import db
from techmarket.orgs.models import Invitation, Membership
from tests.accounts.support import field_error, link_in, mails, reread
from tests.factories import PASSWORD
from tests.orgs.support import actions, add_member, counts, owner_of


def membership(org_id: int, user_id: int) -> Membership | None:
    reread()
    return db.session.scalar(select(Membership).where(Membership.organisation_id == org_id,
                                                      Membership.user_id == user_id))


def invite(client, org, email: str, role: str = "member"):
    return client.post(f"/orgs/{org.id}/invite", data={"email": email, "role": role})


def test_invitee_accepts_through_the_emailed_link_and_becomes_a_member(make, signin):
    org = make.org()
    owner = signin(owner_of(org))
    invitee = make.user(email="li.si@example.cn")
    resp = invite(owner, org, "Li.Si@Example.CN")
    assert resp.status_code == 302
    sent = mails(make)
    assert [m["To"] for m in sent] == ["li.si@example.cn"]
    assert org.name in sent[0]["Subject"]
    path = link_in(sent[0], "/orgs/invitations/")
    assert "li.si@example.cn" in owner.get(f"/orgs/{org.id}").get_data(as_text=True)  # open invitation listed
    c = signin(invitee)
    assert org.name in c.get("/orgs/").get_data(as_text=True)  # "invitations for you"
    page = c.get(path)
    assert page.status_code == 200
    assert org.name in page.get_data(as_text=True)
    assert membership(org.id, invitee.id) is None  # opening the link alone changes nothing
    resp = c.post(path)
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/orgs/{org.id}"
    m = membership(org.id, invitee.id)
    assert m is not None and m.role == "member"
    assert actions(org.id) == ["create", "invite", "join"]
    assert c.get(f"/orgs/{org.id}").status_code == 200
    # the invitation is used up
    assert db.session.scalar(select(Invitation)).accepted_at is not None
    resp = c.post(path)
    assert resp.status_code == 302 and resp.headers["Location"] == "/orgs/"


def test_invitee_without_an_account_signs_in_first_and_comes_back(app, make, signin):
    org = make.org()
    invite(signin(owner_of(org)), org, "wang.wu@example.cn", role="owner")
    path = link_in(mails(make)[0], "/orgs/invitations/")
    anonymous = app.test_client()
    resp = anonymous.get(path)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/account/login?next=")
    invitee = make.user(email="wang.wu@example.cn")
    resp = anonymous.post(resp.headers["Location"], data={"email": invitee.email, "password": PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == path
    assert anonymous.post(path).status_code == 302
    assert membership(org.id, invitee.id).role == "owner"


def test_another_account_cannot_accept(make, signin):
    org = make.org()
    invite(signin(owner_of(org)), org, "invited@example.cn")
    path = link_in(mails(make)[0], "/orgs/invitations/")
    intruder = make.user(email="intruder@example.cn")
    c = signin(intruder)
    before = counts()
    resp = c.post(path)
    assert resp.status_code == 403
    assert membership(org.id, intruder.id) is None
    assert counts() == before
    assert c.get(f"/orgs/{org.id}").status_code == 403
    reread()
    assert db.session.scalar(select(Invitation)).is_open  # still usable by the right person


def test_forged_invitation_token_is_refused(app, make, signin):
    org = make.org()
    c = signin(make.user())
    forged = URLSafeTimedSerializer("not-the-site-key-0123456789abcdefghij", salt="techmarket-invite").dumps(1)
    for token in ("garbage", forged):
        resp = c.post(f"/orgs/invitations/{token}")
        assert resp.status_code == 302 and resp.headers["Location"] == "/orgs/"
    assert counts()[1] == 1  # only the owner
    assert org.id


def test_withdrawn_invitation_stops_working(make, signin):
    org = make.org()
    owner = signin(owner_of(org))
    invitee = make.user()
    invite(owner, org, invitee.email)
    path = link_in(mails(make)[0], "/orgs/invitations/")
    reread()
    inv = db.session.scalar(select(Invitation))
    assert owner.post(f"/orgs/invitations/{inv.id}/revoke").status_code == 302
    c = signin(invitee)
    resp = c.post(path)
    assert resp.status_code == 302 and resp.headers["Location"] == "/orgs/"
    assert membership(org.id, invitee.id) is None


def test_only_owners_invite(make, signin):
    org = make.org()
    member, stranger = make.user(), make.user()
    add_member(org, member)
    before = counts()
    assert invite(signin(member), org, "friend@example.cn").status_code == 403
    assert invite(signin(stranger), org, "friend@example.cn").status_code == 403
    assert counts() == before
    assert mails(make) == []


def test_inviting_a_member_again_or_a_bad_address_is_refused(make, signin):
    org = make.org()
    member = make.user()
    add_member(org, member)
    owner = signin(owner_of(org))
    before = counts()
    for email, role in ((member.email, "member"), ("not-an-email", "member"), ("x@example.cn", "boss")):
        resp = invite(owner, org, email, role)
        assert resp.status_code == 400, email
        page = resp.get_data(as_text=True)
        assert field_error(page, "email") or field_error(page, "role"), email
    assert counts() == before
    assert mails(make) == []


def test_member_leaves(make, signin):
    org = make.org()
    user = make.user()
    m = add_member(org, user)
    c = signin(user)
    resp = c.post(f"/orgs/{org.id}/members/{m.id}/remove")
    assert resp.status_code == 302 and resp.headers["Location"] == "/orgs/"
    assert membership(org.id, user.id) is None
    assert actions(org.id)[-1] == "leave"
    assert c.get(f"/orgs/{org.id}").status_code == 403


def test_last_owner_cannot_leave(make, signin):
    org = make.org()
    owner = owner_of(org)
    m = membership(org.id, owner.id)
    c = signin(owner)
    resp = c.post(f"/orgs/{org.id}/members/{m.id}/remove")
    assert resp.status_code == 409
    assert 'class="display-4 text-muted">409</p>' in resp.get_data(as_text=True)
    assert membership(org.id, owner.id) is not None
    # nor make themself a plain member
    assert c.post(f"/orgs/{org.id}/members/{m.id}/role", data={"role": "member"}).status_code == 409
    assert membership(org.id, owner.id).role == "owner"


def test_owner_hands_over_and_then_leaves(make, signin):
    org = make.org()
    owner = owner_of(org)
    successor = make.user()
    m_new = add_member(org, successor)
    c = signin(owner)
    assert c.post(f"/orgs/{org.id}/members/{m_new.id}/role", data={"role": "owner"}).status_code == 302
    assert membership(org.id, successor.id).role == "owner"
    m_old = membership(org.id, owner.id)
    assert c.post(f"/orgs/{org.id}/members/{m_old.id}/remove").status_code == 302
    assert membership(org.id, owner.id) is None
    assert membership(org.id, successor.id).role == "owner"


def test_owner_removes_a_member(make, signin):
    org = make.org()
    user = make.user()
    m = add_member(org, user)
    owner = signin(owner_of(org))
    resp = owner.post(f"/orgs/{org.id}/members/{m.id}/remove")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/orgs/{org.id}"
    assert membership(org.id, user.id) is None
    assert actions(org.id)[-1] == "remove_member"
    assert signin(user).get(f"/orgs/{org.id}").status_code == 403


def test_members_cannot_remove_or_promote_each_other(make, signin):
    org = make.org()
    a, b = make.user(), make.user()
    add_member(org, a)
    m_b = add_member(org, b)
    c = signin(a)
    assert c.post(f"/orgs/{org.id}/members/{m_b.id}/remove").status_code == 403
    assert c.post(f"/orgs/{org.id}/members/{m_b.id}/role", data={"role": "owner"}).status_code == 403
    owner_m = membership(org.id, owner_of(org).id)
    assert c.post(f"/orgs/{org.id}/members/{owner_m.id}/remove").status_code == 403
    assert membership(org.id, b.id).role == "member"
    assert membership(org.id, owner_of(org).id) is not None


def test_member_ids_of_another_organisation_are_404(make, signin):
    first, second = make.org(), make.org()
    other_member = membership(second.id, owner_of(second).id)
    c = signin(owner_of(first))
    assert c.post(f"/orgs/{first.id}/members/{other_member.id}/remove").status_code == 404
    assert c.post(f"/orgs/{first.id}/members/{other_member.id}/role", data={"role": "member"}).status_code == 404
    assert membership(second.id, owner_of(second).id) is not None
