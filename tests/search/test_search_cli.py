"""``techmarket search reindex|status|drain``."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import delete, select

from techmarket.extensions import db
from techmarket.search.documents import Document
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.models import SearchDocument, SearchOutbox
from tests.search.contract_servers import (  # noqa: F401
    closed_port_url,
    es_server,
    es_url,
    make_backend,
    use_elasticsearch,
)


@pytest.fixture()
def es(app: Flask, es_url: str) -> ElasticsearchBackend:  # noqa: F811
    backend = make_backend(es_url)
    use_elasticsearch(app, backend)
    return backend


def test_status_and_reindex_of_the_database_index(app, runner, publish):
    a = publish("稀土永磁材料")
    b = publish("石墨烯导电浆料")
    ok = runner.invoke(args=["search", "status"])
    assert ok.exit_code == 0, ok.output
    assert "listing: 2 object(s) should be indexed" in ok.output
    assert "database index: 2 document(s), in step" in ok.output
    assert "elasticsearch" not in ok.output

    db.session.execute(delete(SearchDocument).where(SearchDocument.object_id == b.id))
    db.session.commit()
    bad = runner.invoke(args=["search", "status"])
    assert bad.exit_code == 1
    assert "DIFFERS" in bad.output and f"missing 1: {b.id}" in bad.output

    done = runner.invoke(args=["search", "reindex", "--type", "listing"])
    assert done.exit_code == 0, done.output
    assert "listing: database index" in done.output  # the progress bar's label
    assert "database index rebuilt with 2 document(s)" in done.output
    assert runner.invoke(args=["search", "status"]).exit_code == 0
    found = {d.object_id for d in db.session.scalars(select(SearchDocument))}
    assert found == {a.id, b.id}  # the rebuilt index holds both listings again


def test_status_finds_an_elasticsearch_difference_and_reindex_mends_it(app, runner, es, publish):
    listings = [publish(f"储能电站{i}") for i in range(3)]
    ok = runner.invoke(args=["search", "status"])
    assert ok.exit_code == 0, ok.output
    assert "elasticsearch (tm-listing-v1): 3 document(s), in step" in ok.output
    assert "outbox: 0 change(s) waiting" in ok.output

    gone = listings[1].id
    es.client.delete(index="tm-listing", id=str(gone), refresh=True)  # behind the application's back
    bad = runner.invoke(args=["search", "status"])
    assert bad.exit_code == 1
    assert "elasticsearch (tm-listing-v1): 2 document(s), DIFFERS" in bad.output
    assert f"missing 1: {gone}" in bad.output
    assert "database index: 3 document(s), in step" in bad.output

    done = runner.invoke(args=["search", "reindex"])
    assert done.exit_code == 0, done.output
    assert "listing: elasticsearch" in done.output
    assert "tm-listing-v2 serves 3 document(s) through tm-listing (replaced: tm-listing-v1)" in done.output
    assert es.indices("listing") == {"tm-listing-v2": ["tm-listing"]}
    after = runner.invoke(args=["search", "status"])
    assert after.exit_code == 0, after.output
    assert "elasticsearch (tm-listing-v2): 3 document(s), in step" in after.output


def test_status_lists_extra_documents_and_the_first_twenty_ids(app, runner, es, publish):
    publish("储能电站消防技术")
    es.index([Document(doc_type="listing", object_id=1000 + i, title="幽灵", body="") for i in range(25)])
    bad = runner.invoke(args=["search", "status"])
    assert bad.exit_code == 1
    line = next(x for x in bad.output.splitlines() if "extra 25" in x)
    assert line.count(",") == 19 and "(+5 more)" in line


def test_drain_command_and_the_backlog_in_status(app, runner, es, publish):
    use_elasticsearch(app, make_backend(closed_port_url()))
    a = publish("光伏制氢")
    down = runner.invoke(args=["search", "drain", "--now"])
    assert down.exit_code == 1
    assert "1 left for a later attempt" in down.output
    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 1
    assert "elasticsearch: UNAVAILABLE" in status.output
    assert "outbox: 1 change(s) waiting, 0 due, 0 stuck" in status.output

    use_elasticsearch(app, es)
    waiting = runner.invoke(args=["search", "drain"])  # the backoff has not expired
    assert waiting.exit_code == 0 and "0 change(s) sent" in waiting.output
    sent = runner.invoke(args=["search", "drain", "--now"])
    assert sent.exit_code == 0, sent.output
    assert "1 change(s) sent (1 indexed, 0 deleted)" in sent.output
    assert db.session.query(SearchOutbox).count() == 0
    assert es.ids("listing") == {a.id}
    assert runner.invoke(args=["search", "status"]).exit_code == 0


def test_stuck_changes_fail_the_status(app, runner, es, publish):
    publish("储能电站消防技术")
    db.session.add(SearchOutbox(doc_type="listing", object_id=999, attempts=15, last_error="boom"))
    db.session.commit()
    bad = runner.invoke(args=["search", "status"])
    assert bad.exit_code == 1
    assert "1 stuck" in bad.output and "last error: boom" in bad.output


def test_bad_options(app, runner):
    unknown = runner.invoke(args=["search", "reindex", "--type", "nothing"])
    assert unknown.exit_code == 2 and "unknown type 'nothing'" in unknown.output
    no_es = runner.invoke(args=["search", "reindex", "--target", "elasticsearch"])
    assert no_es.exit_code == 2 and "not elasticsearch" in no_es.output
    skipped = runner.invoke(args=["search", "drain"])
    assert skipped.exit_code == 0 and "not configured" in skipped.output
