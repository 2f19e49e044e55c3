"""Handlers of the auction pages; the URL table is in :mod:`techmarket.trading.auctions.blueprint`."""
