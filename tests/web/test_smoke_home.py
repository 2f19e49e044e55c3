from __future__ import annotations


def test_home_page_shows_real_figures(client, make):
    make.org(status="verified")
    make.org(status="pending")
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "内蒙古科技大市场" in html or "Inner Mongolia Technology Market" in html
    assert 'data-testid="figures"' in html
