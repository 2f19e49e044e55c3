"""The import/export format of listings: one column per importable field, with a Chinese and an English header.

The table is data: the reader, the writers, the templates and the explanation sheet are all driven by it.
Allowed values are accepted as the code (``rare_earth``), the Chinese name (稀土) or the English name
(Rare earths); lists are separated by 、 , ; (full-width too); IP items are ``type:number:status`` separated
by ; (an optional fourth part is the item's title).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from techmarket.listings.constants import Kind
from techmarket.listings.data import IPItemData, ListingData, parse_amount


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


def _terms(*rows: tuple[str, ...]) -> tuple[Term, ...]:
    return tuple(Term(r[0], r[1], r[2], tuple(r[3:])) for r in rows)


# The vocabulary of the format (data, in both languages). Codes are the keys of listings.constants.
VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "kind": _terms(("achievement", "成果", "Achievement", "科技成果", "Technology achievement"),
                   ("demand", "需求", "Demand", "技术需求", "Technology demand")),
    "field": _terms(
        ("rare_earth", "稀土", "Rare earths", "Rare earth"),
        ("energy_storage", "大规模储能", "Energy storage", "储能", "Large-scale energy storage"),
        ("graphene", "石墨烯", "Graphene"),
        ("hydrogen", "氢能", "Hydrogen", "Hydrogen energy"),
        ("ccus", "碳捕集封存", "CCUS", "碳捕集利用与封存", "Carbon capture utilisation and storage"),
        ("new_energy", "新能源", "New energy"),
        ("new_materials", "新材料", "New materials"),
        ("high_end_equipment", "高端装备制造", "High-end equipment", "高端装备", "High-end equipment manufacturing"),
        ("ecology", "生态环境", "Ecology and environment", "生态环保", "Ecology"),
        ("agriculture", "现代农牧业", "Agriculture", "农牧业", "Modern agriculture and animal husbandry"),
        ("coal", "煤炭", "Coal"),
        ("power", "电力", "Electric power", "Power"),
        ("chemicals", "化工", "Chemicals", "Chemical industry"),
        ("metallurgy", "冶金", "Metallurgy"),
        ("seed_industry", "种业", "Seed industry"),
        ("ict_ai", "信息化/人工智能", "IT and AI", "信息化", "人工智能", "Information technology and AI"),
    ),
    "mode": _terms(
        ("transfer", "转让", "Transfer", "技术转让"),
        ("licence_exclusive", "独占许可", "Exclusive licence", "Exclusive license"),
        ("licence_sole", "排他许可", "Sole licence", "Sole license"),
        ("licence_ordinary", "普通许可", "Ordinary licence", "一般许可", "Ordinary license"),
        ("equity", "作价入股", "Equity", "技术入股", "Technology as equity"),
        ("co_development", "合作开发", "Joint development", "Co-development"),
        ("service", "技术服务", "Technical service"),
    ),
    "maturity": _terms(
        ("lab", "实验室", "Laboratory", "实验室阶段", "Lab"),
        ("pilot_small", "小试", "Small-scale trial"),
        ("pilot", "中试", "Pilot"),
        ("trial_production", "试生产", "Trial production"),
        ("industrialised", "产业化", "Industrialised", "Industrialized"),
    ),
    "ip_type": _terms(
        ("invention", "发明专利", "Invention patent", "发明", "Invention"),
        ("utility_model", "实用新型", "Utility model", "实用新型专利"),
        ("design", "外观设计", "Design patent", "外观设计专利", "Design"),
        ("software", "软件著作权", "Software copyright", "软著"),
        ("ic_layout", "集成电路布图设计", "IC layout design", "IC layout"),
        ("plant_variety", "植物新品种", "Plant variety"),
        ("biomedicine", "生物医药新品种", "Biomedicine variety"),
        ("know_how", "技术秘密", "Know-how", "Know how"),
    ),
    "ip_status": _terms(
        ("applied", "申请中", "Applied", "已申请", "受理"),
        ("granted", "已授权", "Granted", "授权"),
        ("registered", "已登记", "Registered", "登记"),
        ("lapsed", "已失效", "Lapsed", "失效"),
    ),
    "confidentiality": _terms(
        ("public", "公开", "Public"),
        ("verified_only", "仅认证单位可见", "Verified only", "Details for verified organisations only"),
    ),
}
NEGOTIABLE = ("面议", "negotiable", "negotiable (面议)", "面议 (negotiable)")
YES = ("是", "yes", "y", "true", "1", "有")
NO = ("否", "no", "n", "false", "0", "无", "")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    # text | kind | org | division | list:<vocab> | choice:<vocab> | keywords | amount | date | int | bool | ip
    value: str = "text"
    kind: Kind | None = None  # only for this kind of listing
    required: bool = False
    note_zh: str = ""
    note_en: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"

    def label(self, zh: bool) -> str:
        return self.zh if zh else self.en


A, D = Kind.ACHIEVEMENT, Kind.DEMAND
COLUMNS: tuple[Column, ...] = (
    Column("kind", "类型", "Kind", "kind", required=True, note_zh="成果 或 需求", note_en="Achievement or Demand"),
    Column("org_code", "单位统一社会信用代码", "Organisation credit code", "org", note_zh="发布单位的 18 位代码；"
           "命令行的 --org 可代替此列", note_en="18 characters; the command line's --org fills it when absent"),
    Column("external_id", "外部编号", "External ID", note_zh="可选；与单位一起用于识别重复导入",
           note_en="Optional; with the organisation it identifies a row on re-import"),
    Column("title", "标题", "Title", required=True),
    Column("summary", "简介", "Summary", required=True),
    Column("description", "详细说明", "Description", note_zh="Markdown；需求必填",
           note_en="Markdown; required for demands"),
    Column("fields", "所属领域", "Fields", "list:field", required=True),
    Column("keywords", "关键词", "Keywords", "keywords", note_zh="以 、 , ; 分隔", note_en="Separated by 、 , ;"),
    Column("division_code", "所在地区", "Region", "division", note_zh="区划代码或名称；空则取单位所在地",
           note_en="Division code or name; blank: the organisation's"),
    Column("modes", "交易方式", "Modes", "list:mode", required=True),
    Column("amount_min", "金额下限（元）", "Amount from (yuan)", "amount",
           note_zh="如 1200000 或 120万；面议 或空表示面议",
           note_en="e.g. 1200000 or 120万; 面议 or blank for negotiable"),
    Column("amount_max", "金额上限（元）", "Amount to (yuan)", "amount"),
    Column("valid_until", "有效期至", "Valid until", "date", note_zh="YYYY-MM-DD", note_en="YYYY-MM-DD"),
    Column("contact_name", "联系人", "Contact person"),
    Column("contact_phone", "联系电话", "Contact phone"),
    Column("contact_email", "联系邮箱", "Contact email"),
    Column("team", "团队成员", "Team", kind=A),
    Column("maturity", "成熟度", "Maturity", "choice:maturity", kind=A, note_zh="成果必填",
           note_en="Required for achievements"),
    Column("trl", "技术就绪度", "TRL", "int", kind=A, note_zh="1-9", note_en="1-9"),
    Column("ip_items", "知识产权", "IP items", "ip", kind=A,
           note_zh="类型:号码:状态，多项以 ; 分隔，如 发明专利:201710601862.3:已授权",
           note_en="type:number:status separated by ;, e.g. Invention patent:201710601862.3:Granted"),
    Column("advantages", "技术优势", "Advantages", kind=A),
    Column("expected_benefit", "预期效益", "Expected benefit", kind=A),
    Column("fiscal_funded", "财政资金资助", "Fiscal funding", "bool", kind=A, note_zh="是 或 否", note_en="Yes or No"),
    Column("approval_document", "批准文件", "Approval document", kind=A, note_zh="财政资助成果转让须填写",
           note_en="Required when fiscally funded"),
    Column("application_industries", "应用行业", "Application industries", kind=A),
    Column("technical_targets", "技术指标", "Technical targets", kind=D),
    Column("deadline", "截止日期", "Deadline", "date", kind=D, note_zh="YYYY-MM-DD", note_en="YYYY-MM-DD"),
    Column("confidentiality", "保密要求", "Confidentiality", "choice:confidentiality", kind=D),
)
BY_KEY = {col.key: col for col in COLUMNS}
# Added to the file of rejected rows; ignored when that file is imported again.
PROBLEM = Column("problem", "问题", "Problem")
MAX_IP_PARTS = 4


def _norm(text: Any) -> str:
    """Compare texts loosely: NFKC (full-width to half-width), case-folded, without spaces and marks."""
    return re.sub(r"[\s*＊]+", "", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def _build_headers() -> dict[str, str]:
    out: dict[str, str] = {}
    for col in (*COLUMNS, PROBLEM):
        for text in (col.key, col.zh, col.en, col.header):
            out[_norm(text)] = col.key
    return out


_HEADERS = _build_headers()


def column_of(header: str) -> str | None:
    """The column key of a header in either language (or both, "中文 / English"); None when unknown."""
    text = str(header or "").strip().lstrip("\ufeff")
    key = _HEADERS.get(_norm(text))
    if key is None and "/" in text:
        for part in text.split(" / ") if " / " in text else text.split("/"):
            key = key or _HEADERS.get(_norm(part))
    return key


def _lookup(vocab: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for term in VOCABULARIES[vocab]:
        for text in (term.code, term.zh, term.en, *term.aliases, f"{term.en} ({term.zh})"):
            table[_norm(text)] = term.code
    return table


_LOOKUPS = {name: _lookup(name) for name in VOCABULARIES}


def term_name(vocab: str, code: str, zh: bool) -> str:
    for term in VOCABULARIES[vocab]:
        if term.code == code:
            return term.zh if zh else term.en
    return code


def allowed(vocab: str, zh: bool) -> str:
    return ("、" if zh else ", ").join(t.zh if zh else t.en for t in VOCABULARIES[vocab])


def split_list(raw: str) -> list[str]:
    parts = re.split(r"[、,，;；\n]", raw)
    return [p.strip() for p in parts if p.strip()]


class CellError(ValueError):
    """A cell that cannot be read; ``message`` is a lazy translatable string."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def code_of(vocab: str, raw: str, zh: bool) -> str:
    code = _LOOKUPS[vocab].get(_norm(raw))
    if code is None:
        raise CellError(_l("Unknown value “%(value)s”; use one of: %(allowed)s.", value=raw.strip(),
                           allowed=allowed(vocab, zh)))
    return code


def parse_date(raw: str) -> dt.date | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?", text)
    try:
        if m is None:
            raise ValueError(text)
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise CellError(_l("“%(value)s” is not a date; write it as 2027-06-30.", value=text)) from exc


def parse_ip_items(raw: str, zh: bool) -> list[IPItemData]:
    items = []
    for n, part in enumerate([p for p in re.split(r"[;；\n]", raw) if p.strip()], start=1):
        bits = [b.strip() for b in re.split(r"[:：]", part.strip(), maxsplit=MAX_IP_PARTS - 1)]
        if len(bits) < 2:  # type and number at least
            raise CellError(_l("Item %(n)d “%(value)s”: write type:number:status, e.g. %(example)s.", n=n,
                               value=part.strip(), example="发明专利:201710601862.3:已授权" if zh
                               else "Invention patent:201710601862.3:Granted"))
        ip_type = code_of("ip_type", bits[0], zh)
        status = code_of("ip_status", bits[2], zh) if len(bits) > 2 and bits[2] else "granted"
        items.append(IPItemData(ip_type=ip_type, number=bits[1], status=status,
                                title=bits[3] if len(bits) > 3 else ""))
    return items


def parse_bool(raw: str) -> bool:
    text = _norm(raw)
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_l("Write 是 or 否 (yes or no), not “%(value)s”.", value=raw.strip()))


@dataclass
class ParsedRow:
    """One spreadsheet row read into listing data, with the problems found per column key."""

    kind: Kind | None
    org_code: str
    external_id: str
    division: str
    data: ListingData
    errors: dict[str, Any] = field(default_factory=dict)


def parse_row(cells: Mapping[str, str], default_org_code: str, zh: bool) -> ParsedRow:
    """Read a row's cells (column key -> text). Columns of the other kind of listing are ignored."""
    errors: dict[str, Any] = {}
    kind: Kind | None = None
    raw_kind = cells.get("kind", "").strip()
    if not raw_kind:
        errors["kind"] = _l("Say whether the row is an achievement (成果) or a demand (需求).")
    else:
        try:
            kind = Kind(code_of("kind", raw_kind, zh))
        except CellError as exc:
            errors["kind"] = exc.message
    org_code = "".join((cells.get("org_code", "").strip() or default_org_code).split()).upper()
    if not org_code:
        errors["org_code"] = _l("Give the owning organisation's unified social credit code.")
    data = ListingData(title="")
    for col in COLUMNS:
        if col.key in {"kind", "org_code", "external_id", "division_code"} or col.value == "amount":
            continue
        if col.kind is not None and col.kind != kind:
            continue
        raw = cells.get(col.key, "")
        try:
            _read_cell(data, col, raw, zh)
        except CellError as exc:
            errors[col.key] = exc.message
    _read_amounts(data, cells, errors)
    return ParsedRow(kind, org_code, cells.get("external_id", "").strip()[:100],
                     cells.get("division_code", "").strip(), data, errors)


def _read_cell(data: ListingData, col: Column, raw: str, zh: bool) -> None:
    text = raw.strip()
    if col.value == "text":
        setattr(data, col.key, text)
    elif col.value.startswith("list:"):
        setattr(data, col.key, [code_of(col.value[5:], p, zh) for p in split_list(text)])
    elif col.value.startswith("choice:"):
        if text:
            setattr(data, col.key, code_of(col.value[7:], text, zh))
    elif col.value == "keywords":
        data.keywords = split_list(text)
    elif col.value == "date":
        setattr(data, col.key, parse_date(text))
    elif col.value == "int":
        if text:
            try:
                data.trl = int(float(text))
            except ValueError as exc:
                raise CellError(_l("Write a whole number, not “%(value)s”.", value=text)) from exc
    elif col.value == "bool":
        data.fiscal_funded = parse_bool(text)
    elif col.value == "ip":
        data.ip_items = parse_ip_items(text, zh)


def _read_amounts(data: ListingData, cells: Mapping[str, str], errors: dict[str, Any]) -> None:
    texts = {k: cells.get(k, "").strip() for k in ("amount_min", "amount_max")}
    said_negotiable = [k for k, t in texts.items() if _norm(t) in {_norm(n) for n in NEGOTIABLE}]
    for key, text in texts.items():
        if key in said_negotiable:
            continue
        try:
            setattr(data, key, parse_amount(text))
        except ValueError:
            errors[key] = _l("“%(value)s” is not an amount; write 1200000 or 120万, or 面议.", value=text)
    if said_negotiable and (data.amount_min is not None or data.amount_max is not None):
        errors[said_negotiable[0]] = _l("Give an amount or write 面议 (negotiable), not both.")
    data.negotiable = data.amount_min is None and data.amount_max is None


# The template's example row (skipped on import while its title and summary are unchanged). ``valid_until``
# is filled in when the template is written.
EXAMPLE: dict[str, str] = {
    "kind": "成果", "org_code": "", "external_id": "CG-2026-001",
    "title": "示例：稀土永磁同步电机高效控制技术",
    "summary": "示例行，导入时跳过 / Example row, skipped on import",
    "description": "采用无位置传感器矢量控制，电机系统效率提升 3% 以上。", "fields": "稀土、高端装备制造",
    "keywords": "稀土永磁、电机控制", "division_code": "150200", "modes": "转让、普通许可",
    "amount_min": "120万", "amount_max": "200万", "valid_until": "",
    "contact_name": "张工", "contact_phone": "0472-5123456", "contact_email": "contact@example.cn",
    "team": "张三、李四", "maturity": "中试", "trl": "6", "ip_items": "发明专利:201710601862.3:已授权",
    "advantages": "效率高、噪声低", "expected_benefit": "年节电约 20 万千瓦时", "fiscal_funded": "否",
    "approval_document": "", "application_industries": "风机、水泵、压缩机",
    "technical_targets": "", "deadline": "", "confidentiality": "",
}
