"""Rule sets stored in the database, the calculator pages and saved calculation snapshots.

The pure calculators live in :mod:`techmarket.policy`; this domain persists their rule sets (every
operator edit is a new version), runs them over the stored rule book and keeps the results an
organisation saves together with the rule-set versions that produced them.
"""
