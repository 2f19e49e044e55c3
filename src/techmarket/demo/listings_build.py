"""Combines the demo themes into listings: pure and deterministic (the same parts give the same listings).

Each listing gets a stable import key (``demo:<a|d>:<theme>:<nn>``) so ``techmarket demo load`` can be run again
without adding anything, and a plan: the workflow state the loader drives it to through the services.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from techmarket.demo.data import ORGANISATIONS
from techmarket.demo.listings_data import (
    ACHIEVEMENT_TITLES,
    ADVANTAGES,
    APPROVAL_DOCUMENTS,
    AREA_CODES,
    DEMAND_MODES,
    DEMAND_REVISION_NOTE,
    DEMAND_TITLES,
    DRIVERS,
    FUNDING_PROGRAMMES,
    GENERIC_SPECS,
    GENERIC_TARGETS,
    GIVEN,
    MAILBOX,
    MATURITY_BY_KIND,
    MATURITY_WORDS,
    MODE_WORDS,
    MODES_BY_KIND,
    MONGOLIAN_NAMES,
    ORG_KIND,
    RETURN_REASONS,
    REVISION_NOTES,
    SHORT,
    SURNAMES,
    TRL_RANGE,
    Theme,
)
from techmarket.demo.listings_themes_energy import THEMES_ENERGY
from techmarket.demo.listings_themes_land import THEMES_LAND
from techmarket.listings.constants import Kind
from techmarket.listings.data import IPItemData, ListingData
from techmarket.listings.patents import check_digit

THEMES: tuple[Theme, ...] = THEMES_ENERGY + THEMES_LAND
KEY_PREFIX = "demo:"
PLANS = ("draft", "submitted", "published", "returned", "withdrawn", "closed", "expired", "revision")
# One slot in 25 per plan except published (16 of 25): most of a live market is published.
_CYCLE = ("published", "draft", "published", "submitted", "published", "published", "returned", "published",
          "closed", "published", "revision", "published", "expired", "published", "withdrawn", "published",
          "draft", "published", "submitted", "published", "published", "closed", "published", "published",
          "published")
DIVISION_OF = {o["name"]: o.get("division_code", "") for o in ORGANISATIONS if o.get("region_kind", "local") == "local"}
PHONES_OUTSIDE = {"北京清洁能源研究院": "010", "Nordic Hydrogen Technology AB": "+46 8"}
_ACHIEVEMENT_REASONS = (0, 1, 2, 4, 5)
_DEMAND_REASONS = (1, 2, 3, 5)
_VARIETY_PREFIX = {"马铃薯": "蒙薯", "向日葵": "蒙葵", "燕麦": "蒙燕", "玉米": "蒙玉", "苜蓿": "蒙农苜蓿",
                   "甜菜": "内糖"}


@dataclass
class DemoListing:
    key: str
    kind: Kind
    org: str
    data: ListingData
    plan: str
    reason: str = ""
    revision: ListingData | None = None
    expired_days_ago: int = 0


def build(today: dt.date) -> list[DemoListing]:
    out: list[DemoListing] = []
    for number, theme in enumerate(THEMES):
        rng = random.Random(f"techmarket-demo-{theme.key}")
        out.extend(_achievement(theme, number, i, t, use, rng, today) for i, (t, use) in enumerate(_pairs(theme, rng)))
        out.extend(_demand(theme, number, i, rng, today) for i in range(len(theme.needs)))
    return out


def _pairs(theme: Theme, rng: random.Random) -> list[tuple[int, str]]:
    """Distinct (technology index, application) pairs that fit together, every technology once before any
    repeats."""
    pairs = [(t, theme.uses[u]) for t, fits in enumerate(theme.fits) for u in fits]
    rng.shuffle(pairs)
    seen: Counter[int] = Counter()
    ranked = []
    for t, use in pairs:
        ranked.append((seen[t], t, use))
        seen[t] += 1
    ranked.sort(key=lambda r: r[0])
    return [(t, use) for _rank, t, use in ranked[: theme.achievements]]


def _plan(theme_no: int, i: int, kind: Kind) -> str:
    return _CYCLE[(i * 7 + theme_no * 3 + (11 if kind == Kind.DEMAND else 0)) % len(_CYCLE)]


def _wan(value: float) -> Decimal:
    """A sensible round amount in yuan for ``value`` 万元."""
    step = 5 if value < 100 else 10 if value < 1000 else 50
    return Decimal(max(step, round(value / step) * step) * 10000)


def _price(theme: Theme, rng: random.Random) -> tuple[bool, Decimal | None, Decimal | None]:
    roll = rng.random()
    if roll < 0.25:
        return True, None, None
    lo = rng.uniform(theme.price[0], theme.price[1] * 0.6)
    if roll < 0.5:
        return False, _wan(lo), _wan(lo)
    low = _wan(lo)
    return False, low, max(low + _wan(1), _wan(lo * rng.uniform(1.5, 3)))


def _price_words(data: ListingData, noun: str) -> str:
    if data.negotiable:
        return f"{noun}面议"
    lo, hi = (int(v / 10000) for v in (data.amount_min or 0, data.amount_max or 0))
    return f"{noun}{lo}万元" if lo == hi else f"{noun}{lo}–{hi}万元"


def _person(rng: random.Random, *, surname_only: bool = False) -> str:
    if rng.random() < 0.12:
        return rng.choice(MONGOLIAN_NAMES)  # Mongolian names stand alone
    return rng.choice(SURNAMES) + ("" if surname_only else rng.choice(GIVEN))


def _contact(org: str, division: str, rng: random.Random, suffix: str) -> tuple[str, str, str]:
    area = PHONES_OUTSIDE.get(org) or AREA_CODES.get(_prefecture(division or DIVISION_OF.get(org, "")), "0471")
    phone = f"{area} {rng.randint(20000000, 89999999)}" if area.startswith("+") else \
        f"{area}-{rng.randint(3000000, 6999999)}"
    return _person(rng, surname_only=True) + suffix, phone, f"{MAILBOX[org]}@demo.techmarket.cn"


def _prefecture(code: str) -> str:
    return f"{code[:4]}00" if code else ""


def _patent(rng: random.Random, kind_digit: str, granted: bool) -> str:
    year = rng.randint(2016, 2022) if granted else rng.randint(2023, 2025)
    digits = f"{year}{kind_digit}{rng.randint(100000, 1999999):07d}"
    number = f"{digits}.{check_digit(digits)}"
    return f"ZL{number}" if granted else number


def _bigrams(text: str) -> set[str]:
    return {text[k : k + 2] for k in range(len(text) - 1)}


def _closest(options: tuple[str, ...], text: str, share: float) -> str | None:
    """The option sharing most character pairs with ``text`` (more than ``share`` of them), else None."""
    scored = [(len(_bigrams(o) & _bigrams(text)), o) for o in options]
    best = max(scored, default=(0, ""))
    return best[1] if best[0] > share * len(_bigrams(text)) else None


def invention_title(tech: str) -> str:
    """A patent-style title for a technology: 一种…方法 / 一种…及其制备方法."""
    for suffix in ("新品种选育技术", "新品种", "品种"):
        if tech.endswith(suffix):
            return f"一种{tech.removesuffix(suffix)}品种的选育方法"
    if tech.endswith("制备技术"):
        return f"一种{tech.removesuffix('制备技术')}及其制备方法"
    core = tech.removesuffix("技术").removesuffix("模式").removesuffix("集成")
    if core.endswith(("触媒", "催化剂", "材料", "合金", "涂料", "电极", "瓶", "器", "机")):
        return f"一种{core}及其制备方法"
    if core.endswith(("系统", "平台", "机器人", "装置", "设备", "装备")):
        return f"一种{core}及其控制方法"
    return f"一种{core}方法"


def _ip_items(theme: Theme, tech: str, rng: random.Random) -> list[IPItemData]:
    granted = rng.random() < 0.7
    title = _closest(theme.inventions, tech, 0.4) or invention_title(tech)
    items = [IPItemData("invention", _patent(rng, "1", granted), "granted" if granted else "applied", title)]
    device = _closest(theme.devices, tech, 0.3)
    if device and rng.random() < 0.7:
        items.append(IPItemData("utility_model", _patent(rng, "2", True), "granted", device))
    if theme.ip == "software":
        items.append(IPItemData("software", f"{rng.randint(2019, 2025)}SR{rng.randint(100000, 1999999):07d}",
                                "registered", f"{tech.removesuffix('技术')}软件V{rng.randint(1, 3)}.0"))
    elif theme.ip == "variety":
        crop = next((p for word, p in _VARIETY_PREFIX.items() if word in tech), "蒙农")
        items.insert(0, IPItemData("plant_variety", f"CNA{rng.randint(2016, 2023)}{rng.randint(1000, 9999)}."
                                   f"{rng.randint(0, 9)}", "granted", f"{crop}{rng.randint(8, 36)}号"))
    elif theme.ip == "know_how" or rng.random() < 0.15:
        items.append(IPItemData("know_how", "", "registered", f"{tech.removesuffix('技术')}工艺参数包"))
    return items


def _achievement(theme: Theme, theme_no: int, i: int, t: int, use: str, rng: random.Random,
                 today: dt.date) -> DemoListing:
    tech, spec = theme.techs[t]
    org = theme.makers[t % len(theme.makers)]
    kind = ORG_KIND.get(org, "enterprise")
    division = "" if org in DIVISION_OF and rng.random() >= theme.away else rng.choice(theme.places)
    maturity = rng.choice(MATURITY_BY_KIND[kind])
    modes = sorted(rng.sample(MODES_BY_KIND[kind], k=rng.randint(1, 3)))
    negotiable, low, high = _price(theme, rng)
    lead = _person(rng) if org != "Nordic Hydrogen Technology AB" else "Lars Nilsson"
    rank = {"university": "教授", "institute": "研究员"}.get(kind, "高级工程师")
    funded = kind != "enterprise" and rng.random() < 0.35
    size = rng.randint(5, 18)
    name, phone, email = _contact(org, division, rng, "老师" if kind != "enterprise" else "经理")
    generic = rng.choice(GENERIC_SPECS).format(p=rng.randint(15, 40), n=rng.randint(2, 8), d=rng.randint(90, 400))
    data = ListingData(
        title=rng.choice(ACHIEVEMENT_TITLES).format(tech=tech, use=use),
        fields=_fields(theme, rng), keywords=rng.sample(theme.keywords, k=rng.randint(3, 6)),
        division_code=division, contact_name=name, contact_phone=phone, contact_email=email,
        valid_until=today + dt.timedelta(days=rng.randint(200, 1000)),
        negotiable=negotiable, amount_min=low, amount_max=high, modes=modes,
        team=(f"{lead}{rank}团队，共{size}人，其中正高级职称{rng.randint(1, 4)}人、"
              f"博士{rng.randint(2, size // 2 + 2)}人。"),
        maturity=maturity, trl=rng.randint(*TRL_RANGE[maturity]),
        advantages=f"{spec}；{rng.choice(ADVANTAGES)}。",
        expected_benefit=(f"按一条示范线测算，达产后预计年新增产值{rng.randint(8, 60) * 100}万元，"
                          f"新增利税{rng.randint(3, 30) * 100}万元，带动就业{rng.randint(20, 200)}人。"),
        fiscal_funded=funded,
        approval_document=rng.choice(APPROVAL_DOCUMENTS).format(n=rng.randint(8, 160), org=SHORT.get(org, org))
        if funded else "",
        application_industries=theme.industries, ip_items=_ip_items(theme, tech, rng),
    )
    ways = "、".join(MODE_WORDS[m] for m in modes)
    data.summary = (f"{SHORT.get(org, org)}研发的{tech}，面向{use}。{spec}，"
                    f"目前处于{MATURITY_WORDS[maturity]}，可{ways}。")
    data.description = "\n".join([
        "### 成果简介", "",
        f"{org}{lead}{rank}团队围绕{use}{rng.choice(DRIVERS)}的需求，经过{rng.randint(3, 10)}年攻关，"
        f"研发了{tech}。项目得到{rng.choice(FUNDING_PROGRAMMES)}支持，目前处于{MATURITY_WORDS[maturity]}"
        f"（技术就绪度 TRL {data.trl}）。", "",
        "### 主要技术指标", "", *(f"- {s}" for s in spec.split("，")), f"- {generic}", "",
        "### 应用前景", "", f"可应用于{theme.industries}等领域，特别适合{use}。{data.expected_benefit}", "",
        "### 合作方式", "",
        f"可采用**{ways}**方式合作，{_price_words(data, '报价')}。可提供技术资料、现场考察和中试线演示。",
    ])
    return _finish(DemoListing(f"{KEY_PREFIX}a:{theme.key}:{i:02d}", Kind.ACHIEVEMENT, org, data,
                               _plan(theme_no, i, Kind.ACHIEVEMENT)), rng, _ACHIEVEMENT_REASONS)


def _fields(theme: Theme, rng: random.Random) -> list[str]:
    return list(theme.fields[:1]) + ([theme.fields[1]] if len(theme.fields) > 1 and rng.random() < 0.5 else [])


def _demand(theme: Theme, theme_no: int, i: int, rng: random.Random, today: dt.date) -> DemoListing:
    need, pain, target, org, use = theme.needs[i]
    home = DIVISION_OF.get(org, "")
    nearby = [p for p in theme.places if p[:4] == home[:4] and p != home]
    division = rng.choice(nearby) if nearby and rng.random() < 0.5 else ""
    modes = sorted(set(rng.sample(DEMAND_MODES, k=2)))
    targets = [*target.split("，"), rng.choice(GENERIC_TARGETS).format(m=rng.choice((12, 18, 24, 36)))]
    negotiable, low, high = _price(theme, rng)
    deadline = today + dt.timedelta(days=rng.randint(45, 300))
    name, phone, email = _contact(org, division or home, rng, rng.choice(("经理", "总工", "工程师")))
    data = ListingData(
        title=rng.choice(DEMAND_TITLES).format(need=need, use=use),
        fields=_fields(theme, rng), keywords=rng.sample(theme.keywords, k=rng.randint(3, 5)),
        division_code=division, contact_name=name, contact_phone=phone, contact_email=email,
        valid_until=today + dt.timedelta(days=rng.randint(330, 900)),
        negotiable=negotiable, amount_min=low, amount_max=high, modes=modes,
        technical_targets="\n".join(f"{n}. {t}" for n, t in enumerate(targets, 1)), deadline=deadline,
        confidentiality="verified_only" if rng.random() < 0.25 else "public",
    )
    data.summary = (f"{need}，用于{use}。要求{target}，{_price_words(data, '预算')}，"
                    f"{deadline.year}年{deadline.month}月{deadline.day}日前征集方案。")
    data.description = "\n".join([
        "### 需求背景", "",
        f"本企业在{use}方面已有生产线和应用场景，目前{pain}，现有技术难以满足降本增效和绿色低碳的要求。", "",
        "### 需要解决的问题", "", f"{need}。", "",
        "### 技术指标", "", *(f"- {t}" for t in targets), "",
        "### 合作要求", "",
        "1. 希望与在该领域有研究基础和工程化经验的高校、科研院所或企业合作；",
        f"2. 合作方式：{'、'.join(MODE_WORDS[m] for m in modes)}；",
        f"3. {_price_words(data, '预算')}，可按节点分期支付；",
        f"4. 请于 {deadline.isoformat()} 前提交技术方案，企业将组织专家评审并安排现场对接。",
    ])
    return _finish(DemoListing(f"{KEY_PREFIX}d:{theme.key}:{i:02d}", Kind.DEMAND, org, data,
                               _plan(theme_no, i, Kind.DEMAND)), rng, _DEMAND_REASONS)


def _finish(item: DemoListing, rng: random.Random, reasons: tuple[int, ...]) -> DemoListing:
    """The return reason, the days since expiry and the revision used if the plan needs them."""
    item.reason = RETURN_REASONS[rng.choice(reasons)]
    item.expired_days_ago = rng.randint(3, 60)
    revised = copy.deepcopy(item.data)
    if item.kind == Kind.DEMAND:
        assert revised.deadline is not None and revised.valid_until is not None
        revised.deadline = min(revised.deadline + dt.timedelta(days=30), revised.valid_until)
        note = DEMAND_REVISION_NOTE.format(date=revised.deadline.isoformat())
    else:
        notes = REVISION_NOTES if not revised.negotiable else (REVISION_NOTES[0], REVISION_NOTES[2])
        note = rng.choice(notes).format(days=rng.randint(30, 120), n=rng.randint(2, 6))
        if note.startswith("### 价格") and revised.amount_min is not None:
            revised.amount_min = _wan(float(revised.amount_min) / 10000 * 0.9)
            revised.amount_max = max(revised.amount_min, revised.amount_max or revised.amount_min)
            note += f"\n\n{_price_words(revised, '调整后报价')}。"
    revised.description = f"{revised.description}\n\n{note}"
    item.revision = revised
    return item
