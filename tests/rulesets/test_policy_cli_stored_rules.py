"""``techmarket policy calc`` in the application computes with the operator's stored rule sets."""

from __future__ import annotations

import json

from techmarket.core.actor import Actor
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.rulesets import services

OPERATOR = Actor(user_id=None, label="operator", roles=frozenset({Role.OPERATOR}))


def test_cli_uses_the_newest_stored_version(app, runner):
    current = services.rulebook(db.session).latest("indirect-cost-cap")
    params = json.loads(json.dumps(current.to_json()["params"]))
    params["theoretical_uplift"] = "0.10"
    services.new_version(db.session, OPERATOR, "indirect-cost-cap", params, "2025-01-01", current.source,
                         note="raised for theoretical research")
    db.session.commit()
    payload = json.dumps({"direct_costs": "1000000", "equipment_costs": "0", "theoretical": True,
                          "approval_date": "2025-06-01"})
    result = runner.invoke(args=["policy", "calc", "indirect-cost-cap", "--input", "-"], input=payload)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [r["version"] for r in out["rule_sets"] if r["name"] == "indirect-cost-cap"] == [current.version + 1]
    assert out["cap"] == "400000.00"  # 30% + 10 points on 1,000,000
