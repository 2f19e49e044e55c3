"""The demo organisations and users (fictional, realistic)."""

from __future__ import annotations

DEMO_PASSWORD = "Demo-2026-nmg"

# name, type, division code, status, facts
ORGANISATIONS: list[dict] = [
    {"name": "内蒙古大学", "org_type": "university", "division_code": "150104", "prefix": "12"},
    {"name": "内蒙古工业大学", "org_type": "university", "division_code": "150105", "prefix": "12"},
    {"name": "内蒙古农业大学", "org_type": "university", "division_code": "150102", "prefix": "12"},
    {"name": "内蒙古科技大学", "org_type": "university", "division_code": "150204", "prefix": "12"},
    {"name": "包头稀土新材料研究所", "org_type": "institute", "division_code": "150207", "prefix": "12"},
    {"name": "包头稀土永磁科技有限公司", "org_type": "enterprise", "division_code": "150207",
     "is_high_tech": True, "high_tech_cert_date": "2023-11-20", "is_tech_sme": True},
    {"name": "呼和浩特乳业生物技术有限公司", "org_type": "enterprise", "division_code": "150121",
     "is_high_tech": True, "high_tech_cert_date": "2022-12-01"},
    {"name": "鄂尔多斯煤制烯烃化工有限公司", "org_type": "enterprise", "division_code": "150602",
     "state_owned": True},
    {"name": "鄂尔多斯氢能装备有限公司", "org_type": "enterprise", "division_code": "150627",
     "relocated": True, "first_revenue_year": 2023, "is_tech_sme": True},
    {"name": "乌海石墨烯材料有限公司", "org_type": "enterprise", "division_code": "150302", "is_tech_sme": True},
    {"name": "赤峰风光储能源科技有限公司", "org_type": "enterprise", "division_code": "150402"},
    {"name": "通辽玉米生物科技有限公司", "org_type": "enterprise", "division_code": "150502"},
    {"name": "呼伦贝尔草原生态研究院", "org_type": "institute", "division_code": "150702", "prefix": "12"},
    {"name": "巴彦淖尔马铃薯种业有限公司", "org_type": "enterprise", "division_code": "150802"},
    {"name": "乌兰察布大数据产业有限公司", "org_type": "enterprise", "division_code": "150902"},
    {"name": "兴安盟绿色农畜产品有限公司", "org_type": "enterprise", "division_code": "152201"},
    {"name": "锡林郭勒羊绒制品有限公司", "org_type": "enterprise", "division_code": "152502",
     "listing_board": "regional_kcb"},
    {"name": "阿拉善碳捕集封存技术有限公司", "org_type": "enterprise", "division_code": "152921",
     "status": "pending"},
    {"name": "内蒙古技术转移中心", "org_type": "transfer_agency", "division_code": "150105"},
    {"name": "包头新能源电池有限公司", "org_type": "enterprise", "division_code": "150203", "status": "returned",
     "return_reason": "营业执照扫描件不清晰，请补充联系人信息。"},
    {"name": "北京清洁能源研究院", "org_type": "institute", "region_kind": "domestic", "province": "北京市",
     "code_division": "110108", "prefix": "12"},
    {"name": "Nordic Hydrogen Technology AB", "org_type": "enterprise", "region_kind": "abroad",
     "country": "Sweden", "foreign_registration": "556123-4567"},
]

# email, name, roles, org index (owner) or None, language
USERS: list[tuple[str, str, list[str], int | None, str]] = [
    ("admin@demo.techmarket.cn", "系统管理员", ["admin", "operator"], None, "zh_Hans_CN"),
    ("operator@demo.techmarket.cn", "市场运营 王敏", ["operator"], None, "zh_Hans_CN"),
    ("registrar@demo.techmarket.cn", "登记员 李强", ["registrar"], None, "zh_Hans_CN"),
    ("researcher@demo.techmarket.cn", "张教授", ["researcher"], 0, "zh_Hans_CN"),
    ("rare-earth@demo.techmarket.cn", "赵研究员", ["researcher"], 4, "zh_Hans_CN"),
    ("enterprise@demo.techmarket.cn", "刘总工", ["enterprise"], 5, "zh_Hans_CN"),
    ("dairy@demo.techmarket.cn", "孙经理", ["enterprise"], 6, "zh_Hans_CN"),
    ("expert@demo.techmarket.cn", "陈专家", ["expert"], None, "zh_Hans_CN"),
    ("broker@demo.techmarket.cn", "周经纪人", ["broker"], 18, "zh_Hans_CN"),
    ("pending@demo.techmarket.cn", "吴经理", ["enterprise"], 17, "zh_Hans_CN"),
    ("returned@demo.techmarket.cn", "郑经理", ["enterprise"], 19, "zh_Hans_CN"),
    ("partner@demo.techmarket.cn", "Erik Lindqvist", ["enterprise"], 21, "en"),
]
