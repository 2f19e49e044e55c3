"""One module per calculator of POLICY.md §2; :mod:`techmarket.policy.registry` collects them."""
