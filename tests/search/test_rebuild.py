"""Rebuilding the database index: documents read without the ORM, tokens cut in worker processes."""

from __future__ import annotations

from sqlalchemy import select

from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.data import IPItemData
from techmarket.listings.patents import check_digit
from techmarket.listings.search_index import all_public, public_documents, to_document
from techmarket.search import token_pool
from techmarket.search.models import SearchDocument, SearchTag


def _patent(serial: str) -> IPItemData:
    return IPItemData(ip_type="invention", number=f"{serial}.{check_digit(serial)}", title="一种钕铁硼磁体的制备方法")


def _market(publish) -> None:
    publish("稀土永磁材料", summary="烧结钕铁硼", fields=("rare_earth", "new_materials"),
            modes=("transfer", "licence_exclusive"), amount="1200000", keywords=["钕铁硼", "磁体"],
            team="包头研究所团队", ip_items=[_patent("202310000001")])
    publish("大规模储能电站消防需求", kind=Kind.DEMAND, fields=("energy_storage",), modes=("co_development",),
            confidentiality="verified_only", description="机密：某电站参数", division="150602")
    publish("石墨烯导电浆料", fields=("graphene",), maturity="lab")
    publish("尚未发布的草稿", publish=False)


def test_documents_read_for_a_rebuild_are_the_documents_of_the_listings(app, publish) -> None:
    _market(publish)
    expected = [to_document(listing) for listing in db.session.scalars(all_public())]
    assert len(expected) == 3
    batches = list(public_documents(db.session, 2))
    assert [len(b) for b in batches] == [2, 1]
    assert [d for b in batches for d in b] == expected


def _index_rows() -> list[tuple]:
    docs = db.session.execute(select(SearchDocument.object_id, SearchDocument.title, SearchDocument.tokens_title,
                                     SearchDocument.tokens_body).order_by(SearchDocument.object_id)).all()
    tags = db.session.execute(select(SearchDocument.object_id, SearchTag.facet, SearchTag.value)
                              .join(SearchTag, SearchTag.document_id == SearchDocument.id)
                              .order_by(SearchDocument.object_id, SearchTag.facet, SearchTag.value)).all()
    return [tuple(r) for r in docs + tags]


def test_reindex_with_worker_processes_writes_the_same_index(app, runner, publish) -> None:
    _market(publish)
    as_written = _index_rows()  # by the index sync, at each publication
    done = runner.invoke(args=["search", "reindex", "--target", "database", "--workers", "1"])
    assert done.exit_code == 0, done.output
    assert _index_rows() == as_written
    done = runner.invoke(args=["search", "reindex", "--target", "database", "--workers", "2"])
    assert done.exit_code == 0, done.output
    assert "database index rebuilt with 3 document(s)" in done.output
    assert _index_rows() == as_written
    found = runner.invoke(args=["search", "status"])
    assert found.exit_code == 0, found.output


def test_the_pool_keeps_the_order_of_documents() -> None:
    from techmarket.search.documents import Document

    docs = [Document(doc_type="listing", object_id=i, title=f"储能电站{i}", body="大规模储能电站" * (i % 3 + 1),
                     lead=f"摘要{i}") for i in range(11)]
    with token_pool.TokenPool(2) as pool:
        pending = [pool.submit(docs[:7]), pool.submit(docs[7:])]
        tokens = [pair for wait in pending for pair in wait()]
    assert tokens == token_pool.tokenise([(d.title, d.body, d.lead) for d in docs])
    assert token_pool.workers_for(10) == 1 and token_pool.workers_for(10, 3) == 3
