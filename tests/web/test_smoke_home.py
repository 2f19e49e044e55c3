from __future__ import annotations


def _figures(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    box = BeautifulSoup(html, "html.parser").find(attrs={"data-testid": "figures"})
    assert box is not None
    return [d.get_text(strip=True) for d in box.select(".display-6")]


def test_home_page_shows_real_figures(client, make):
    """The figures are counted from the database: two organisations registered, one verified, in one 盟市."""
    make.org(status="verified", division="150207")
    make.org(status="pending", division="150102")
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "内蒙古科技大市场" in html or "Inner Mongolia Technology Market" in html
    organisations, verified, members, leagues = _figures(html)
    assert (organisations, verified, members, leagues) == ("2", "1", "2", "1 / 12")


def test_home_page_counts_registered_contracts_only(client, make):
    import re

    from tests.contracts.builders import contract_data, deal, registered, submitted

    d = deal(make)
    registered(make, d)
    submitted(d, contract_data(d, title="尚在审查的合同"))
    html = client.get("/").get_data(as_text=True)
    count = re.search(r'data-testid="registered-contracts">(\d+)<', html)
    assert count is not None and count.group(1) == "1"
    amount = re.search(r'data-testid="registered-amount">([^<]+)<', html)
    assert amount is not None and "100.00" in amount.group(1)  # 1,000,000 technical = 100.00 万元
