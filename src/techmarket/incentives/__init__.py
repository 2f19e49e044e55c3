"""Incentives: yearly statements, disbursements (and, next, subsidy claims and broker rewards)."""
