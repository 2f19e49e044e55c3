"""The operator's console: users, organisation verification, mail outbox, audit log."""
