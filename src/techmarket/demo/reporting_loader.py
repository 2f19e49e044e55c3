"""Demo platforms and bodies for the register and the 2025 target page, and the statistics counted afresh."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.reporting import bodies, tally
from techmarket.reporting.models import Body

# name, kind, level, recognised on, 盟市, approval document
BODIES: tuple[tuple[str, str, str, str, str | None, str], ...] = (
    ("白云鄂博稀土资源研究与综合利用国家重点实验室", "key_lab", "national", "2021-12-20", "150200",
     "国科发基〔2021〕356号"),
    ("省部共建草原家畜生殖调控与繁育国家重点实验室", "key_lab", "national", "2022-11-08", "150100",
     "国科发基〔2022〕301号"),
    ("国家稀土功能材料创新中心", "manufacturing_centre", "national", "2023-04-12", "150200", "工信部科〔2023〕58号"),
    ("内蒙古大兴安岭森林生态系统国家野外科学观测研究站", "field_station", "national", "2021-06-15", "152200",
     "国科发基〔2021〕177号"),
    ("鄂尔多斯国家高新技术产业开发区", "hitech_zone", "national", "2020-12-25", "150600", "国函〔2017〕19号"),
    ("包头国家稀土高新技术产业开发区", "hitech_zone", "national", "2020-12-25", "150200", "国函〔1992〕169号"),
    ("呼和浩特金山高新技术产业开发区", "hitech_zone", "national", "2022-08-16", "150100", "国函〔2022〕85号"),
    ("乌兰察布高新技术产业开发区", "hitech_zone", "regional", "2021-09-30", "150900", "内政字〔2021〕88号"),
    ("巴彦淖尔高新技术产业开发区", "hitech_zone", "regional", "2023-05-18", "150800", "内政字〔2023〕41号"),
    ("内蒙古稀土功能材料技术创新中心", "tech_innovation_centre", "regional", "2021-03-22", "150200",
     "内科发〔2021〕32号"),
    ("内蒙古大规模储能技术创新中心", "tech_innovation_centre", "regional", "2024-07-09", "150600",
     "内科发〔2024〕77号"),
    ("内蒙古氢能装备工程研究中心", "eng_research_centre", "regional", "2022-10-11", "150600",
     "内发改高技〔2022〕901号"),
    ("内蒙古石墨烯材料重点实验室", "key_lab", "regional", "2021-11-02", "150200", "内科发〔2021〕140号"),
    ("内蒙古碳捕集利用与封存重点实验室", "key_lab", "regional", "2023-12-01", "150600", "内科发〔2023〕166号"),
    ("包头稀土科技成果转移转化示范区", "demo_zone", "regional", "2022-06-28", "150200", "内科发〔2022〕95号"),
    ("赤峰科技成果转移转化示范基地", "demo_base", "regional", "2023-09-14", "150400", "内科发〔2023〕120号"),
    ("内蒙古煤基新材料中试公共服务平台", "pilot_platform", "regional", "2024-03-26", "150600", "内科发〔2024〕30号"),
    ("包头科技大市场", "tech_market", "prefecture", "2021-05-20", "150200", "包府发〔2021〕62号"),
    ("鄂尔多斯科技大市场", "tech_market", "prefecture", "2022-04-15", "150600", "鄂府发〔2022〕37号"),
    ("通辽科技大市场", "tech_market", "prefecture", "2024-10-10", "150500", "通政发〔2024〕81号"),
    ("内蒙古工业大学技术转移中心", "transfer_agency", "regional", "2021-08-19", "150100", "内科发〔2021〕101号"),
    ("内蒙古农业大学技术转移中心", "transfer_agency", "regional", "2022-08-23", "150100", "内科发〔2022〕118号"),
    ("内蒙古科技大学技术转移人才培养基地", "talent_base", "national", "2023-11-06", "150200",
     "国科火字〔2023〕190号"),
)


def load_bodies(session: Session, today: dt.date) -> int:
    """Add the demo bodies (safe to run again: a name already in the register is skipped), then count the
    statistics afresh from what the demo put in the database."""
    operator = Actor.system("demo loader")
    known = set(session.scalars(select(Body.name)))
    added = 0
    for name, kind, level, on, area, reference in BODIES:
        if name in known:
            continue
        bodies.create(session, operator, bodies.BodyData(name, kind, level, dt.date.fromisoformat(on), area,
                                                         reference), today)
        added += 1
    tally.rebuild(session)
    return added
