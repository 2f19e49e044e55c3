from __future__ import annotations

import itertools

import sqlalchemy as sa

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.audit import AuditEntry, verify_chain
from techmarket.extensions import db


def _append(n: int) -> None:
    actor = Actor.system("test")
    for i in range(n):
        audit.record(db.session, actor, "thing", i, "touch", {"v": i}, {"v": i + 1, "amount": "12.50"})
    db.session.commit()


def test_chain_verifies_and_links(app):
    _append(5)
    checked, problem = verify_chain(db.session)
    assert (checked, problem) == (5, None)
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))


def test_state_changes_are_audited_with_before_and_after(app, make):
    org = make.org(status="verified")
    rows = audit.history(db.session, "organisation", org.id)
    assert [r.action for r in rows] == ["create", "verify"]
    assert rows[1].before["status"] == "pending" and rows[1].after["status"] == "verified"


def test_orm_refuses_update_and_delete(app):
    _append(1)
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    entry.action = "forged"
    try:
        db.session.flush()
        raise AssertionError("update was allowed")
    except RuntimeError as exc:
        assert "append-only" in str(exc)
    db.session.rollback()


def test_tampering_is_found_and_named(app, runner):
    _append(4)
    # Tamper behind the ORM's back, as an attacker with database access would.
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_entry SET action = 'forged' WHERE seq = 3"))
    db.session.expire_all()
    checked, problem = verify_chain(db.session)
    assert checked == 2 and problem is not None and problem.seq == 3
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "seq=3" in result.output


def test_deleted_tail_is_found(app, runner):
    _append(3)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entry WHERE seq = 3"))
    db.session.expire_all()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_cli_verify_ok(app, runner):
    _append(2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "2 entries" in result.output
