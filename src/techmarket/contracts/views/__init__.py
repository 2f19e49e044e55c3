"""The contract pages' handlers; their URLs are in :mod:`techmarket.contracts.blueprint`."""
