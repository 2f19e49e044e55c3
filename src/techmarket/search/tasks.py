"""Background jobs of the search package (besides the outbox drain, :mod:`techmarket.search.outbox`)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.search import indexing, registry
from techmarket.search.service import SearchService

log = logging.getLogger(__name__)


def rebuild_elasticsearch(doc_type: str) -> None:
    """Rebuild one type's Elasticsearch index from the database (new index, atomic alias swap), as
    ``techmarket search reindex --target elasticsearch`` does; enqueued when search finds the index short.
    A failure leaves the rebuild lease in place, so it is asked for again when the lease expires."""
    service = component(SearchService)
    if not service.uses_elasticsearch:
        return
    indexed = registry.get(doc_type)
    with Session(db.engine) as session:
        assert service.es is not None  # uses_elasticsearch
        done = indexing.rebuild_elasticsearch(session, service.es, indexed)
        session.rollback()
    service.index_check.rebuild_finished(doc_type)
    log.warning("search: rebuilt %s into %s with %s document(s) (replaced: %s)", doc_type, done.index,
                done.documents, ", ".join(done.removed_indices) or "none")
