"""Retrieval that does not miss, on every backend of the contract (SQLite, PostgreSQL, osmem-server): any piece
of two or more Chinese characters of a title, summary or keyword finds the listing, whatever jieba makes of
it; words rank above pieces found only by their bigrams; English names of the domain terms find them."""

from __future__ import annotations

import datetime as dt

import pytest

from techmarket.search.documents import Document
from techmarket.search.query import parse
from tests.search.contract_harness import Harness

TITLE = "纳米二氧化钛光催化剂制备技术"  # jieba: 纳米 / 二氧化钛 / 光 / 催化剂 / 制备 / 技术


def _doc(oid: int, title: str, body: str = "", lead: str = "", day: int = 1) -> Document:
    return Document(doc_type="listing", object_id=oid, title=title, body=body or title, lead=lead,
                    tags={"kind": ("achievement",), "field": ("new_materials",)},
                    published_at=dt.datetime(2026, 4, day, 8, tzinfo=dt.UTC))


@pytest.fixture()
def catalyst(corpus: Harness) -> Harness:
    corpus.index([_doc(201, TITLE, body="可见光响应，降解有机污染物。\n光触媒 污水处理",
                       lead="可见光响应，降解有机污染物。\n光触媒 污水处理")])
    return corpus


def test_a_piece_of_a_word_finds_the_title(catalyst: Harness) -> None:
    assert catalyst.ids("光催化") == [201]  # jieba keeps 光催化剂 whole in no text of the corpus
    assert catalyst.ids('"光催化"') == [201]
    assert 201 in catalyst.found("催化")
    assert 201 in catalyst.found("制备")
    assert catalyst.ids("光催化剂制备技术") == [201]


def test_every_piece_of_two_or_more_characters_of_the_title_finds_it(catalyst: Harness) -> None:
    missed = [TITLE[i:j] for i in range(len(TITLE)) for j in range(i + 2, len(TITLE) + 1)
              if 201 not in catalyst.found(TITLE[i:j])]
    assert missed == []


def test_pieces_of_the_summary_and_keywords_find_it(catalyst: Harness) -> None:
    for piece in ("降解有机", "机污", "光响", "光触", "触媒", "水处"):
        assert 201 in catalyst.found(piece), piece
    assert catalyst.found("光催化 污水") == {201}


def test_a_word_ranks_above_a_piece_found_by_its_bigrams(harness: Harness) -> None:
    # 301 holds 光催化 as a word (and a longer title); 302 only inside 光催化剂.
    harness.index([_doc(301, "光催化降解有机污染物成套装置及工艺", body="成果简介", day=1),
                   _doc(302, "光催化剂制备技术", body="成果简介", day=2)])
    assert harness.ids("光催化") == [301, 302]


def test_english_names_find_the_domain_terms(corpus: Harness) -> None:
    assert corpus.found("rare earth") == {6}  # 高性能钕铁硼稀土永磁材料
    assert corpus.found("Rare-Earth permanent magnets") == {6}  # 稀土永磁
    assert corpus.found("energy storage") == {1, 9, 12, 15}  # = 储能
    assert corpus.found("photovoltaic") == corpus.found("光伏") == {1, 8, 15}
    assert corpus.found("lithium-ion batteries") == corpus.found("锂离子电池")
    assert corpus.found("hydrogen energy") == corpus.found("氢能")


def test_chinese_terms_find_english_text(harness: Harness) -> None:
    harness.index([_doc(501, "Rare earth magnet recycling", body="Recovering NdFeB from motors")])
    assert harness.ids("稀土") == [501]
    assert [t.text for t in parse("rare earth 储能").terms] == ["rare earth", "储能"]
