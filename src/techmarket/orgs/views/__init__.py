"""The handlers of the organisation pages (their URLs are in :mod:`techmarket.orgs.blueprint`)."""
