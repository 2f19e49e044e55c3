"""Choice lists of the organisation domain (data, not rules)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class OrgType(enum.StrEnum):
    ENTERPRISE = "enterprise"
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    GOVERNMENT = "government"
    TRANSFER_AGENCY = "transfer_agency"
    OTHER = "other"


ORG_TYPE_LABELS = {
    OrgType.ENTERPRISE: _l("Enterprise"),
    OrgType.UNIVERSITY: _l("University"),
    OrgType.INSTITUTE: _l("Research institute"),
    OrgType.GOVERNMENT: _l("Government department"),
    OrgType.TRANSFER_AGENCY: _l("Technology-transfer agency"),
    OrgType.OTHER: _l("Other"),
}


class OrgStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    RETURNED = "returned"


STATUS_LABELS = {
    OrgStatus.PENDING: _l("Pending verification"),
    OrgStatus.VERIFIED: _l("Verified"),
    OrgStatus.RETURNED: _l("Returned for correction"),
}


class RegionKind(enum.StrEnum):
    LOCAL = "local"  # Inner Mongolia: a 盟市 or 旗县 code
    DOMESTIC = "domestic"  # another province of China
    ABROAD = "abroad"


REGION_KIND_LABELS = {
    RegionKind.LOCAL: _l("Inner Mongolia"),
    RegionKind.DOMESTIC: _l("Another province of China"),
    RegionKind.ABROAD: _l("Outside China"),
}

LISTING_BOARDS = {
    "": _l("Not listed"),
    "main": _l("Main board"),
    "star": _l("STAR Market (科创板)"),
    "chinext": _l("ChiNext (创业板)"),
    "bse": _l("Beijing Stock Exchange"),
    "neeq": _l("NEEQ (新三板)"),
    "regional_kcb": _l("Regional equity exchange 科创板"),
    "overseas": _l("Overseas exchange"),
}

PROVINCES = [
    "北京市", "天津市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区", "台湾省",
]


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


MEMBER_ROLE_LABELS = {MemberRole.OWNER: _l("Owner"), MemberRole.MEMBER: _l("Member")}
