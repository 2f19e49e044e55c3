"""The documents every backend of the contract suite indexes, and a generator for the paging tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from techmarket.search.documents import Document


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=8, tzinfo=dt.UTC)


def _doc(oid: int, title: str, body: str, *, day: str, kind: str = "achievement", fields: tuple[str, ...] = (),
         region: str | None = "150200", maturity: str | None = "pilot", modes: tuple[str, ...] = ("transfer",),
         lo: str | None = None, hi: str | None = None) -> Document:
    tags: dict[str, tuple[str, ...]] = {"kind": (kind,), "field": fields, "mode": modes}
    if region:
        tags["region"] = (region,)
    if maturity and kind == "achievement":
        tags["maturity"] = (maturity,)
    return Document(doc_type="listing", object_id=oid, title=title, body=body, tags=tags,
                    amount_min=Decimal(lo) if lo else None, amount_max=Decimal(hi) if hi else None,
                    published_at=_at(day))


CORPUS: list[Document] = [
    _doc(1, "大规模储能电站与光伏电池", "风光储一体化项目，磷酸铁锂电池储能系统集成。", day="2026-01-05",
         fields=("energy_storage", "new_energy"), region="150200", maturity="pilot", lo="500000"),
    _doc(2, "高效PEM电解槽制氢系统", "质子交换膜电解水制氢，配套风电绿氢项目。", day="2026-02-10",
         fields=("hydrogen",), region="150600", maturity="industrialised", modes=("licence_exclusive",),
         lo="1200000", hi="1500000"),
    _doc(3, "碳捕集利用与封存示范工程", "燃煤电厂烟气二氧化碳捕集，年封存十万吨。", day="2026-03-01",
         fields=("ccus",), region="150200", maturity="pilot", modes=("co_development",)),
    _doc(4, "CCUS驱油技术需求", "油田二氧化碳驱油与地质封存合作。", day="2026-03-15", kind="demand",
         fields=("ccus",), region="150800", modes=("co_development", "service"), lo="300000", hi="800000"),
    _doc(5, "锂离子电池回收技术", "废旧动力电池梯次利用与材料再生。", day="2025-12-01",
         fields=("new_energy",), region="150100", maturity="lab", lo="80000.50"),
    _doc(6, "高性能钕铁硼稀土永磁材料", "稀土永磁电机用高矫顽力磁体，晶界扩散工艺。", day="2026-01-20",
         fields=("rare_earth", "new_materials"), region="150200", maturity="trial_production", lo="2000000"),
    _doc(7, "石墨烯导电浆料", "用于锂离子电池正极的石墨烯导电剂。", day="2026-02-01",
         fields=("graphene", "new_materials"), region="150900", maturity="pilot_small", lo="80000.49"),
    _doc(8, "光伏组件清洗机器人", "沙漠光伏电站无水清洗，自主导航。", day="2026-02-20",
         fields=("new_energy", "high_end_equipment"), region="150600", maturity="industrialised",
         modes=("transfer", "licence_ordinary")),
    _doc(9, "储能电池管理系统", "电池簇均衡与热失控预警。", day="2026-03-05",
         fields=("energy_storage",), region="150100", maturity="pilot", lo="150000", hi="150000"),
    _doc(10, "草原生态修复技术", "退化草原补播与生态监测。", day="2025-11-11", fields=("ecology",),
         region="152500", maturity="industrialised", modes=("service",)),
    _doc(11, "马铃薯脱毒种薯繁育", "脱毒苗组培与原种扩繁。", day="2025-10-01", fields=("seed_industry", "agriculture"),
         region="150700", maturity="industrialised", lo="50000", hi="90000"),
    _doc(12, "需求：储能电站消防技术", "寻求电化学储能电站的消防与热失控抑制方案。", day="2026-03-20", kind="demand",
         fields=("energy_storage",), region="150200", modes=("co_development",), hi="400000"),
    _doc(13, "Near-field 通信 AND 测试 (OR) 平台: \"引号\" * 星号 - 减号", "NEAR AND OR NOT 语法字符都只是文字。",
         day="2025-09-09", fields=("ict_ai",), region="150100", maturity="lab"),
    _doc(14, "ＰＥＭ燃料电池测试台", "全角字母的标题：ＰＥＭ与电堆测试。", day="2026-01-12",
         fields=("hydrogen", "high_end_equipment"), region="150200", maturity="pilot"),
    _doc(15, "光伏制氢耦合", "光伏发电直接驱动电解槽，电池储能调峰。", day="2026-02-25",
         fields=("hydrogen", "new_energy"), region="150800", maturity="pilot_small", lo="700000"),
]


def paging_corpus(n: int, start_id: int = 100, *, varied: bool = False) -> list[Document]:
    """``n`` near-identical documents: distinct dates (newest = highest id), amounts that tie in groups of
    four (and every fifth one without an amount), so every sort needs its tie-breakers. All have the same
    relevance for 储能, or with ``varied`` three levels: 储能 in title and body, in the title only, in the
    body only (fields of equal length throughout, so every scoring function agrees on the levels)."""
    base = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)
    docs = []
    for i in range(n):
        amount = None if i % 5 == 4 else Decimal(f"{1000 * (1 + i % 4)}.35")
        level = i % 3 if varied else 0
        title = "分页测试成果 " + ("电池" if level == 2 else "储能")
        body = ("电池" if level == 1 else "储能") + " 分页"
        docs.append(Document(doc_type="listing", object_id=start_id + i, title=title, body=body,
                             tags={"kind": ("achievement",), "field": ("energy_storage",)},
                             amount_min=amount, published_at=base + dt.timedelta(hours=i)))
    return docs
