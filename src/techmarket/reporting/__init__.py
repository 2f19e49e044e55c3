"""Reporting: statistics kept current by domain events, dashboards, the 盟市 yearly report and the register of
innovation platforms and bodies with the policy's 2025 targets (clauses (七)–(十一), (二十八))."""
