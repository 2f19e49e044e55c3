from __future__ import annotations

import itertools
import json
from pathlib import Path

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


# --- keyed hashes and checkpoints outside the database (issue #10) ------------------------------------------------


def _rows() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)))


def _recompute(version: int, key: bytes | None, from_seq: int = 1, action: str = "forged") -> None:
    """What someone with write access to the database, but not the key, can do: change entries from
    ``from_seq`` on and recompute every hash after them, and the head, consistently."""
    prev = "0" * 64
    with db.engine.begin() as conn:
        for e in _rows():
            act = action if e.seq >= from_seq else e.action
            digest = audit.entry_hash(seq=e.seq, at=e.at, actor_id=e.actor_id, actor_label=e.actor_label,
                                      object_type=e.object_type, object_id=e.object_id, action=act,
                                      before=e.before, after=e.after, prev_hash=prev, key=key)
            conn.execute(sa.text("UPDATE audit_entry SET action = :a, prev_hash = :p, hash = :h, hash_version = :v "
                                 "WHERE seq = :s"), {"a": act, "p": prev, "h": digest, "v": version, "s": e.seq})
            prev = digest
        conn.execute(sa.text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    db.session.expire_all()


def test_new_entries_are_keyed_under_the_audit_key_kept_outside_the_database(app):
    _append(2)
    first = _rows()[0]
    assert first.hash_version == audit.KEYED
    plain = audit.entry_hash(seq=first.seq, at=first.at, actor_id=first.actor_id, actor_label=first.actor_label,
                             object_type=first.object_type, object_id=first.object_id, action=first.action,
                             before=first.before, after=first.after, prev_hash=first.prev_hash)
    assert first.hash != plain
    assert verify_chain(db.session, key=b"another key")[1].seq == 1


def test_a_chain_recomputed_without_the_key_is_found(app, runner):
    _append(3)
    _recompute(audit.KEYED, b"a guessed key", from_seq=2)
    checked, problem = verify_chain(db.session)
    assert checked == 0 and problem is not None and "audit key" in problem.reason
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_a_chain_recomputed_as_plain_hashes_is_found_by_the_checkpoint(app, runner):
    _append(3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    _recompute(audit.PLAIN, None)  # every entry rewritten as an old unkeyed one: the chain itself is consistent
    assert verify_chain(db.session)[1] is None
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "chain recomputed" in result.output and "seq 3" in result.output


def test_plain_entries_after_keyed_ones_are_refused(app):
    _append(3)
    second, third = _rows()[1:]
    forged = audit.entry_hash(seq=3, at=third.at, actor_id=third.actor_id, actor_label=third.actor_label,
                              object_type=third.object_type, object_id=third.object_id, action="forged",
                              before=third.before, after=third.after, prev_hash=second.hash)
    with db.engine.begin() as conn:  # the newest entry rewritten as an old unkeyed one
        conn.execute(sa.text("UPDATE audit_entry SET action = 'forged', hash = :h, hash_version = 1 WHERE seq = 3"),
                     {"h": forged})
        conn.execute(sa.text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": forged})
    db.session.expire_all()
    checked, problem = verify_chain(db.session)
    assert checked == 2 and problem is not None and problem.seq == 3 and "version" in problem.reason


def test_a_truncated_head_is_found_by_the_checkpoint(app, runner):
    _append(4)
    result = runner.invoke(args=["audit", "verify"])  # a clean verify writes a checkpoint
    assert result.exit_code == 0 and "checkpoint written: seq 4" in result.output
    path = Path(app.instance_path) / "audit-checkpoints.jsonl"
    assert json.loads(path.read_text().splitlines()[-1])["seq"] == 4
    third = _rows()[2]
    with db.engine.begin() as conn:  # cut the head back to seq 3, as if entry 4 was never written
        conn.execute(sa.text("DELETE FROM audit_entry WHERE seq = 4"))
        conn.execute(sa.text("UPDATE audit_head SET seq = 3, hash = :h WHERE id = 1"), {"h": third.hash})
    db.session.expire_all()
    assert verify_chain(db.session) == (3, None)  # the database alone cannot tell
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "head truncated" in result.output and "seq 4" in result.output
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 1  # nothing broken gets signed
    assert len(path.read_text().splitlines()) == 1


def test_an_edited_checkpoint_file_is_found(app, runner):
    _append(2)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    path = Path(app.instance_path) / "audit-checkpoints.jsonl"
    point = json.loads(path.read_text())
    path.write_text(json.dumps({**point, "seq": 1}) + "\n")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "bad signature" in result.output


def test_an_edited_entry_is_not_also_reported_as_a_truncated_head(app, runner):
    _append(3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_entry SET action = 'forged' WHERE seq = 2"))
    db.session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "seq=2" in result.output and "truncated" not in result.output


def test_old_unkeyed_entries_still_verify_and_the_chain_continues_keyed(app, runner):
    _append(2)
    _recompute(audit.PLAIN, None, action="touch")  # as written before the key existed (hash_version 1)
    _append(2)
    versions = [e.hash_version for e in _rows()]
    assert versions == [audit.PLAIN, audit.PLAIN, audit.KEYED, audit.KEYED]
    assert verify_chain(db.session) == (4, None)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "4 entries" in result.output


def test_the_checkpoint_file_can_be_configured(app, runner, tmp_path):
    _append(1)
    target = tmp_path / "elsewhere" / "audit.jsonl"
    app.config["AUDIT_CHECKPOINT_PATH"] = str(target)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    assert json.loads(target.read_text())["seq"] == 1
