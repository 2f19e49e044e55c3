"""Cross-cutting foundations: database base, errors, actor, audit log, events, jobs, mail, i18n, paging."""
