"""Demo data for ``make run``: realistic organisations and users for every role. Idempotent."""
