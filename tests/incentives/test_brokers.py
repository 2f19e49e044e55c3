"""Brokers (技术经纪人): the registry, contracts attributed with their share, the reward from the broker-reward rule
set (clause (十一)), the public record."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.incentives.brokers import services
from techmarket.policy import CALCULATORS
from tests.contracts.builders import deal, registered


def test_brokers_get_their_share_of_registered_contracts_and_a_reward_from_the_rule_set(make, client):
    d = deal(make)
    contract = registered(make, d)  # technical amount 1,000,000
    operator = actor_for(make.operator())
    with pytest.raises(PermissionDenied):
        services.register(db.session, actor_for(d.buyer), services.BrokerData("王经纪", "JJR-1", "senior", "150200"))
    with pytest.raises(ValidationFailed):
        services.register(db.session, operator, services.BrokerData("王经纪", "JJR-1", "senior", "150207"))
    db.session.rollback()
    first = services.register(db.session, operator, services.BrokerData(
        "王经纪", "jjr-1", "senior", "150200", fields=("rare_earth",), bio="稀土成果转化"))
    second = services.register(db.session, operator, services.BrokerData("李经纪", "JJR-2", "junior", "150200"))
    db.session.commit()
    assert first.credential_no == "JJR-1"
    half = services.attribute(db.session, operator, first, contract.registration_number or "", Decimal("0.6"))
    db.session.commit()
    assert half.reward == Decimal("9000.00")  # 1,000,000 × 0.6 × 1.5%
    assert half.result["rule_sets"][0]["name"] == "broker-reward"
    direct = CALCULATORS["broker-reward"].run({"contract_amount": "1000000", "share": "0.6",
                                               "registration_date": contract.registered_on.isoformat()})
    assert direct["reward"] == "9000.00"
    with pytest.raises(ValidationFailed, match=r"0\.6"):
        services.attribute(db.session, operator, second, contract.registration_number or "", Decimal("0.5"))
    db.session.rollback()
    services.attribute(db.session, operator, second, contract.registration_number or "", Decimal("0.4"))
    db.session.commit()
    rec = services.record(db.session, first)
    assert (rec.contracts, rec.attributed, rec.rewards) == (1, Decimal("600000.00"), Decimal("9000.00"))
    listing = client.get("/brokers/", query_string={"prefecture": "150200"})
    assert listing.status_code == 200 and "王经纪" in listing.text and "李经纪" in listing.text
    page = client.get(f"/brokers/{first.id}")
    assert page.status_code == 200 and contract.registration_number in page.text and "60%" in page.text
    assert "9,000.00" in page.text or "0.90 万元" in page.text
    assert client.get("/brokers/999999").status_code == 404


def test_a_brokers_fields_are_listed_with_the_readers_punctuation(make, client):
    """The English registry joined the fields with the Chinese 、."""
    operator = actor_for(make.operator())
    broker = services.register(db.session, operator, services.BrokerData(
        "王经纪", "JJR-9", "senior", "150200", fields=("rare_earth", "hydrogen")))
    db.session.commit()
    for path in ("/brokers/", f"/brokers/{broker.id}"):
        english = client.get(path, query_string={"lang": "en"}).text
        assert "Hydrogen energy (氢能), Rare earths (稀土)" in english or \
            "Rare earths (稀土), Hydrogen energy (氢能)" in english, path
        assert "、" not in english.split("<main", 1)[-1], path
        assert "氢能、稀土" in client.get(path, query_string={"lang": "zh_Hans_CN"}).text or \
            "稀土、氢能" in client.get(path, query_string={"lang": "zh_Hans_CN"}).text
