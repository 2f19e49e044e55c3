"""The handlers of the listing pages (their URLs are in :mod:`techmarket.listings.blueprint`)."""
