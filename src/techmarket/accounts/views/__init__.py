"""The handlers of the account pages (their URLs are in :mod:`techmarket.accounts.blueprint`)."""
