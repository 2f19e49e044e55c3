"""The handlers of the policy pages (their URLs are in :mod:`techmarket.rulesets.blueprint`)."""
