"""The console's handlers: ``console`` (users, organisations, outbox, audit log), ``imports`` (bulk import of
listings) and ``listings`` (listing moderation). Their URLs are the table in :mod:`techmarket.admin.blueprint`."""
