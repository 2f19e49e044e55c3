"""What a reader of Chinese notices on the contract pages: 已登记 (not 已注册), a certificate that names its
parties' column for organisations and says its title once, full-width punctuation around Chinese text,
rule sets by their names and versions, not their keys. Pages are read with a real HTML parser."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from techmarket.accounts.services import actor_for
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives import statement
from tests.contracts.builders import deal, registered, submitted
from tests.contracts.test_statement import YEAR, seller_year
from tests.listings.pages_support import isolated  # noqa: F401

HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
HALF_WIDTH = ",:;?!()"


def parse(resp) -> BeautifulSoup:
    assert resp.status_code == 200, resp.status_code
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def half_width_beside_han(text: str) -> list[str]:
    """Half-width , : ; ? ! ( ) with a Chinese character on either side (spaces skipped)."""
    found = []
    for i, ch in enumerate(text):
        if ch not in HALF_WIDTH:
            continue
        before = text[:i].rstrip(" ")[-1:]
        after = text[i + 1:].lstrip(" ")[:1]
        if HAN.match(before) or HAN.match(after):
            found.append(text[max(0, i - 10):i + 10])
    return found


def test_a_registered_contract_reads_已登记(make, signin):
    d = deal(make)
    contract = registered(make, d)
    seller = signin(d.seller)
    badge = parse(seller.get(f"/contracts/{contract.id}")).find(attrs={"data-testid": "contract-status"})
    assert badge.get_text(strip=True) == "已登记"
    listing = parse(seller.get("/contracts/")).get_text()
    assert "已登记" in listing and "已注册" not in listing


def test_the_certificate_says_its_title_once_and_names_the_parties_column(make, signin):
    d = deal(make)
    contract = registered(make, d)
    page = parse(signin(d.seller).get(f"/contracts/{contract.id}/certificate"))
    assert page.find("h1").get_text(strip=True) == "技术合同认定登记证明"
    headers = [th.get_text(strip=True) for th in page.find_all("th", scope="col")]
    assert "姓名" not in headers and "名称（姓名）" in headers
    number = page.find("p", class_="number").get_text()
    assert half_width_beside_han(number) == [] and "登记号：" in number


def test_the_certificate_in_english_keeps_the_chinese_title_with_its_translation(make, signin):
    d = deal(make)
    contract = registered(make, d)
    client = signin(d.seller)
    client.get("/lang/en")
    title = parse(client.get(f"/contracts/{contract.id}/certificate")).find("h1").get_text(" ", strip=True)
    assert title == "技术合同认定登记证明 Technology contract registration certificate"


def test_contract_pages_use_full_width_punctuation_around_chinese(make, signin):
    d = deal(make)
    in_review = submitted(d)
    done = registered(make, d)
    seller, registrar = signin(d.seller), signin(make.user(Role.REGISTRAR))
    for client, url in ((seller, f"/contracts/{in_review.id}"), (seller, f"/contracts/{done.id}"),
                        (seller, f"/contracts/{done.id}/certificate"), (seller, "/contracts/"),
                        (registrar, f"/contracts/{in_review.id}"), (registrar, f"/contracts/{done.id}"),
                        (registrar, "/admin/contracts/"), (registrar, "/admin/contracts/search?q=永磁")):
        page = parse(client.get(url))
        main = page.find("main")
        for tag in main(["code", "script", "textarea", "input", "option"]):
            tag.decompose()
        for line in main.get_text("\n").splitlines():
            assert half_width_beside_han(line) == [], (url, line)


def test_the_statement_names_rule_sets_and_their_versions(make, login):
    d, _transfer, _licence = seller_year(make)
    page = parse(login(d.seller).get(f"/statements/org/{d.seller_org.id}/{YEAR}"))
    sources = page.find_all(attrs={"data-testid": "sources"})
    assert sources
    for paragraph in sources:
        for clause in paragraph.find_all("abbr"):  # clause names are the policy engine's data, as cited
            clause.replace_with("条款")
        text = paragraph.get_text(" ", strip=True)
        assert "transfer-income-tax" not in text and "transaction-subsidy" not in text and " v1" not in text
        assert half_width_beside_han(text) == [], text
    names = [s.get_text(" ", strip=True) for s in page.find_all(attrs={"data-testid": "rule-set"})]
    assert "技术转让所得减免企业所得税 第 1 版" in names
    versions = {td.get_text(strip=True) for td in page.find_all(attrs={"data-testid": "rule-set-version"})}
    assert versions == {"第 1 版"}


def test_the_operators_statement_list_names_rule_sets(make, login):
    d, _transfer, _licence = seller_year(make)
    statement.save(db.session, actor_for(d.seller), d.seller_org, YEAR, {})
    db.session.commit()
    page = parse(login(make.user(Role.OPERATOR)).get("/statements/all"))
    names = [s.get_text(" ", strip=True) for s in page.find_all(attrs={"data-testid": "rule-set"})]
    assert "技术转让所得减免企业所得税 第 1 版" in names
    assert not any("transfer-income-tax" in n for n in names)
