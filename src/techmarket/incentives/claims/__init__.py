"""Subsidy claims (技术交易后补助): application, county pre-review, 盟市 review, approval, publicity (公示),
the disbursement list (POLICY.md §2.5)."""
