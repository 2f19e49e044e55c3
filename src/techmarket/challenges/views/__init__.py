"""The challenge pages' handlers; their URLs are in :mod:`techmarket.challenges.blueprint`."""
