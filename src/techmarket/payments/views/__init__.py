"""The payment pages' handlers (their URLs are in ``payments/blueprint.py``)."""
