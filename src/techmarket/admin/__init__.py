"""The operator's console: users, organisation verification, mail outbox, audit log, listing import and
moderation. The URLs are one table in ``blueprint.py``, the handlers in ``views/``, the role check in
``access.py``; ``diff.py`` shows a listing revision's changes."""
