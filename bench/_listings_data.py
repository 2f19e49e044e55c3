"""Generated data of bench/listings.py: realistic listings (bulk-inserted with SQLAlchemy Core) and import files.

Imported by bench/listings.py after it has set ``sys.path`` up (see that file); not a script of its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import insert, select

from techmarket.demo.loader import demo_code
from techmarket.extensions import db
from techmarket.listings.columns import COLUMNS, term_name
from techmarket.listings.models import Listing, ListingTag
from techmarket.listings.patents import check_digit
from techmarket.orgs.models import Division, Organisation

TOPICS = {
    "rare_earth": ["稀土永磁材料", "稀土抛光粉", "稀土储氢合金", "稀土催化材料", "钕铁硼磁体回收"],
    "energy_storage": ["全钒液流电池", "压缩空气储能", "飞轮储能", "储能电站热管理", "铁铬液流电池"],
    "graphene": ["石墨烯导热膜", "石墨烯改性涂料", "石墨烯电极材料"],
    "hydrogen": ["碱性电解水制氢", "氢燃料电池重卡", "储氢瓶", "绿氢合成氨"],
    "ccus": ["二氧化碳捕集", "CO2驱油封存", "烟气碳捕集"],
    "new_energy": ["风光功率预测", "光伏组件清洗机器人", "风电叶片回收"],
    "new_materials": ["高性能铝合金", "碳化硅陶瓷", "高纯石英砂"],
    "high_end_equipment": ["矿用无人驾驶卡车", "智能巡检机器人", "大型铸件"],
    "ecology": ["荒漠化治理", "矿区生态修复", "盐碱地改良"],
    "agriculture": ["马铃薯脱毒种薯", "奶牛精准饲喂", "羊绒分梳", "牧草青贮"],
    "coal": ["煤矸石综合利用", "智能综采工作面", "矿井水零排放"],
    "power": ["火电灵活性改造", "虚拟电厂", "特高压运维"],
    "chemicals": ["煤制烯烃", "高盐废水处理", "煤焦油加氢"],
    "metallurgy": ["高炉富氢冶炼", "硅铁余热回收", "电解铝节能"],
    "seed_industry": ["玉米耐旱品种", "苜蓿新品种", "肉羊育种"],
    "ict_ai": ["工业互联网平台", "煤矿AI视频识别", "草原遥感监测"],
}
SUFFIXES = ["关键技术", "成套装备", "工艺优化", "产业化示范", "系统集成", "检测方法", "智能控制"]
FIELD_WEIGHTS = {f: (3 if f in {"rare_earth", "energy_storage", "hydrogen", "new_energy", "coal", "chemicals"} else 1)
                 for f in TOPICS}
MODES_A = ["transfer", "licence_exclusive", "licence_sole", "licence_ordinary", "equity", "co_development", "service"]
MODES_D = ["co_development", "transfer", "licence_ordinary", "service"]
STATUSES = ["published"] * 85 + ["draft"] * 5 + ["submitted"] * 4 + ["expired"] * 3 + ["closed"] * 2 + ["withdrawn"]


def _amounts(rng: random.Random) -> tuple[bool, Decimal | None, Decimal | None]:
    if rng.random() < 0.3:
        return True, None, None
    low = Decimal(int(10 ** rng.uniform(4.7, 7.7)) // 1000 * 1000)
    high = None if rng.random() < 0.4 else low * Decimal(rng.choice([1.5, 2, 3]))
    return False, low, high


def generate(app: Flask, n: int, seed: int = 20261129) -> dict[str, Any]:
    """Bulk-insert organisations, ``n`` listings and their tags with SQLAlchemy Core."""
    rng = random.Random(seed)
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    with app.app_context():
        counties = db.session.execute(select(Division.code, Division.parent_code)
                                      .where(Division.level == "county")).all()
        orgs = []
        for i in range(600):
            code, _parent = rng.choice(counties)
            name = f"内蒙古{TOPICS[rng.choice(list(TOPICS))][0]}科技有限公司{i:03d}"
            orgs.append({"name": name, "org_type": "enterprise", "credit_code": demo_code("91", code, name),
                         "region_kind": "local", "division_code": code, "status": "verified", "created_at": now,
                         "updated_at": now})
        with db.engine.begin() as conn:
            conn.execute(insert(Organisation), orgs)
            org_rows = conn.execute(select(Organisation.id, Organisation.division_code)).all()
        parent_of = dict(counties)
        fields, weights = list(FIELD_WEIGHTS), list(FIELD_WEIGHTS.values())
        chunk = 10_000
        next_id = 1
        with db.engine.begin() as conn:
            for start in range(0, n, chunk):
                listings, tags = [], []
                for _ in range(min(chunk, n - start)):
                    lid = next_id
                    next_id += 1
                    org_id, division = rng.choice(org_rows)
                    kind = "achievement" if rng.random() < 0.55 else "demand"
                    chosen = sorted(set(rng.choices(fields, weights, k=rng.choice([1, 1, 2, 3]))))
                    modes = sorted(set(rng.sample(MODES_A if kind == "achievement" else MODES_D,
                                                  k=rng.choice([1, 2, 2, 3]))))
                    topic = rng.choice(TOPICS[chosen[0]])
                    status = rng.choice(STATUSES)
                    negotiable, low, high = _amounts(rng)
                    posted = now - dt.timedelta(minutes=rng.randrange(0, 730 * 24 * 60))
                    listings.append({
                        "id": lid, "kind": kind, "organisation_id": org_id, "status": status,
                        "title": f"{topic}{rng.choice(SUFFIXES)}" + ("需求" if kind == "demand" else ""),
                        "summary": f"面向{topic}的{rng.choice(SUFFIXES)}，已在区内企业验证。",
                        "description": f"## 概述\n\n{topic}相关技术，指标国内领先。" * 3,
                        "keywords": [topic, rng.choice(SUFFIXES)], "division_code": division,
                        "prefecture_code": parent_of.get(division, division), "negotiable": negotiable,
                        "amount_min": low, "amount_max": high,
                        "valid_until": today + dt.timedelta(days=rng.randrange(30, 700)),
                        "maturity": rng.choice(["lab", "pilot_small", "pilot", "trial_production", "industrialised"])
                        if kind == "achievement" else None,
                        "trl": rng.randrange(3, 10) if kind == "achievement" else None,
                        "deadline": today + dt.timedelta(days=rng.randrange(30, 300)) if kind == "demand" else None,
                        "contact_name": "联系人", "contact_phone": "0471-6600000", "contact_email": "c@example.cn",
                        "submitted_at": posted if status != "draft" else None,
                        "published_at": posted if status in {"published", "expired", "closed"} else None,
                        "created_at": posted - dt.timedelta(days=2), "updated_at": posted, "version": 1,
                    })
                    tags += [{"listing_id": lid, "facet": "field", "value": f} for f in chosen]
                    tags += [{"listing_id": lid, "facet": "mode", "value": m} for m in modes]
                conn.execute(insert(Listing), listings)
                conn.execute(insert(ListingTag), tags)
        with db.engine.connect() as conn:
            published = conn.exec_driver_sql("SELECT count(*) FROM listing WHERE status = 'published'").scalar()
            tag_count = conn.exec_driver_sql("SELECT count(*) FROM listing_tag").scalar()
        db.session.remove()
    codes = [o["credit_code"] for o in orgs]
    return {"listings": n, "published": published, "listing_tags": tag_count, "organisations": len(orgs),
            "seconds": round(time.perf_counter() - started, 2), "org_codes": codes,
            "method": "SQLAlchemy Core bulk insert of listing and listing_tag rows in chunks of 10,000 "
                      "(not the listing services: no audit entries, no search index rows)"}




def import_csv(rows: int, codes: list[str], seed: int = 7, prefix: str = "BENCH") -> bytes:
    """A realistic import file in the template's format (Chinese headers): achievements and demands."""
    rng = random.Random(seed)
    valid = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    deadline = (dt.date.today() + dt.timedelta(days=180)).isoformat()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.zh for c in COLUMNS])
    for i in range(rows):
        field = rng.choice(list(TOPICS))
        topic = rng.choice(TOPICS[field])
        achievement = rng.random() < 0.6
        serial = f"2023{rng.choice('12')}{rng.randrange(0, 10**7):07d}"
        values = {
            "kind": "成果" if achievement else "需求", "org_code": rng.choice(codes),
            "external_id": f"{prefix}-{i:06d}",
            "title": f"{topic}{rng.choice(SUFFIXES)}（批量{i}）", "summary": f"{topic}的技术方案，适合区内推广。",
            "description": f"{topic}相关技术，指标国内领先。",
            "fields": "、".join(term_name("field", f, True) for f in sorted({field, rng.choice(list(TOPICS))})),
            "keywords": f"{topic}、{rng.choice(SUFFIXES)}", "modes": "转让、合作开发" if achievement else "合作开发",
            "amount_min": rng.choice(["面议", "50万", "120万", "300000"]), "valid_until": valid,
            "contact_name": "王工", "contact_phone": "0471-6600000",
        }
        if achievement:
            values |= {"maturity": rng.choice(["小试", "中试", "产业化"]), "trl": str(rng.randrange(3, 10)),
                       "ip_items": f"发明专利:{serial}.{check_digit(serial)}:已授权"}
        else:
            values |= {"technical_targets": "效率提升 10% 以上", "deadline": deadline, "confidentiality": "公开"}
        writer.writerow([values.get(c.key, "") for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


