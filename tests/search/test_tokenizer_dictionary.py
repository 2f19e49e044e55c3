"""The shipped domain dictionary and synonym table, and what the tokenizer makes of them."""

from __future__ import annotations

from importlib.resources import files

import pytest

from techmarket.search.query import parse
from techmarket.search.tokenizer import TOKENIZER, normalise

KEY_TERMS = ["稀土永磁", "钕铁硼", "风光储一体化", "煤制烯烃", "乳酸菌", "马铃薯脱毒种薯", "碳捕集利用与封存",
             "PEM电解槽", "羊绒", "大规模储能", "石墨烯", "全钒液流电池", "煤制乙二醇", "绿氢", "荒漠化治理"]
POLICY_FIELDS = ["稀土", "大规模储能", "石墨烯", "氢能", "碳捕集封存", "新能源", "新材料", "高端装备制造", "生态环境",
                 "现代农牧业", "煤炭", "电力", "化工", "冶金", "种业", "人工智能"]


def _lines(name: str) -> list[str]:
    text = files("techmarket.search").joinpath(f"data/{name}").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_dictionary_has_at_least_300_distinct_terms() -> None:
    terms = [line.split()[0] for line in _lines("dictionary.txt")]
    assert len(terms) >= 300
    folded = [normalise(t) for t in terms]
    duplicates = sorted({t for t in folded if folded.count(t) > 1})
    assert duplicates == []
    assert all(" " not in t and len(t) <= 40 for t in terms)
    assert set(POLICY_FIELDS) <= set(terms), "every field of POLICY.md clause (一) is a term"


def test_synonym_groups() -> None:
    groups = [[normalise(t.strip()) for t in line.split("=")] for line in _lines("synonyms.txt")]
    assert len(groups) >= 30
    assert all(len(g) >= 2 and len(set(g)) == len(g) and all(g) for g in groups)
    assert TOKENIZER.expand("ccus") >= {"碳捕集利用与封存", "碳捕集封存"}
    assert TOKENIZER.expand("锂电") >= {"锂离子电池"}
    assert TOKENIZER.expand("光伏") >= {"太阳能光伏"}
    assert TOKENIZER.expand("pem电解槽") >= {"质子交换膜电解槽"}
    assert TOKENIZER.expand("绿氢") >= {"可再生能源制氢"}
    assert TOKENIZER.expand("ai") >= {"人工智能"}


@pytest.mark.parametrize("term", KEY_TERMS)
def test_key_terms_stay_whole(term: str) -> None:
    folded = normalise(term)
    assert TOKENIZER.words(f"关于{term}的技术") == ["关于", folded, "技术"]
    assert folded in TOKENIZER.tokens(f"一种{term}工艺")


@pytest.mark.parametrize(("text", "word"), [
    ("大规模储能电站", "储能"), ("光伏组件回收", "光伏"), ("锂离子电池梯次利用", "电池"), ("储能", "储能"),
    ("屋顶光伏", "光伏"), ("钠离子电池正极", "电池"),
])
def test_two_character_words_are_found_inside_longer_ones(text: str, word: str) -> None:
    assert word in TOKENIZER.tokens(text)


def test_a_longer_term_also_yields_the_dictionary_terms_inside_it() -> None:
    assert "液流电池" in TOKENIZER.tokens("全钒液流电池储能系统")
    assert "稀土永磁" in TOKENIZER.tokens("稀土永磁材料")
    assert "风力发电" in TOKENIZER.tokens("风力发电机组")


def test_a_domain_term_across_words_is_a_token_too() -> None:
    # jieba cuts 大规模储能电站 as 大规模 + 储能电站 (both words): the term 大规模储能 spans the two.
    assert TOKENIZER.words("大规模储能电站") == ["大规模", "储能电站"]
    assert "大规模储能" in TOKENIZER.tokens("大规模储能电站建设")
    assert "锂电池" in TOKENIZER.tokens("磷酸铁锂电池")
    flow, spanning = TOKENIZER.cut("大规模储能电站与光伏电池")
    assert spanning == ["大规模储能"]
    assert flow[-3:] == ["储能电站", "光伏", "电池"]  # kept apart: the words around it stay consecutive
    assert TOKENIZER.tokens("大规模储能电站与光伏电池") == flow + spanning


@pytest.mark.parametrize("text", [
    "大规模储能电站与光伏电池", "全钒液流电池储能系统，风光储一体化", "高效PEM电解槽制氢系统 email AI芯片",
    "马铃薯脱毒种薯繁育，脱毒苗组培与原种扩繁。", "Near-field 通信 AND 测试 (OR) 平台: \"引号\" * 星号", "",
])
def test_the_flow_is_jiebas_search_cut(text: str) -> None:
    """The flow is jieba's cut_for_search in order, with mixed-word parts and nested terms added after their
    word (and punctuation and stop words left out)."""
    tk = TOKENIZER.load()
    flow, _ = TOKENIZER.cut(text)
    expected = [t.strip() for t in tk.cut_for_search(normalise(text))]
    expected = [t for t in expected if t and any(ch.isalnum() for ch in t) and t not in {"的", "与", "and", "or"}]
    rest = iter(flow)
    assert all(any(t == f for f in rest) for t in expected), (expected, flow)  # a subsequence of the flow


def test_latin_words_are_not_split_by_short_latin_terms() -> None:
    tokens = TOKENIZER.tokens("email maintain basic AI芯片")
    assert {"email", "maintain", "basic", "ai", "芯片"} <= set(tokens)
    assert "em" not in tokens


def test_mixed_and_full_width_text() -> None:
    assert TOKENIZER.words("ＰＥＭ电解槽") == ["pem电解槽"]
    assert {"pem电解槽", "pem", "电解槽"} <= set(TOKENIZER.tokens("PEM电解槽制氢"))
    ccus = parse("CCUS").terms
    assert len(ccus) == 1 and "碳捕集利用与封存" in ccus[0].alternatives
