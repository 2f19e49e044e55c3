"""The kinds of platforms and bodies the policy counts ((七)–(十一)), their levels, the 2025 targets from the text
(``targets.json``, each citing its clause) and the one-off awards the calculators compute for a new one."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from flask_babel import lazy_gettext as _l

KINDS = {
    "key_lab": _l("Key laboratory (重点实验室)"),
    "tech_innovation_centre": _l("Technology innovation centre (技术创新中心)"),
    "eng_research_centre": _l("Engineering research centre (工程研究中心)"),
    "manufacturing_centre": _l("Manufacturing innovation centre (制造业创新中心)"),
    "field_station": _l("Field observation station (野外科学观测研究站)"),
    "clinical_centre": _l("Clinical medical research centre (临床医学研究中心)"),
    "resource_sharing_platform": _l("Resource-sharing service platform (科技资源共享服务平台)"),
    "hitech_zone": _l("High-tech industrial development zone (高新区)"),
    "demo_zone": _l("Transfer demonstration zone (科技成果转移转化示范区)"),
    "demo_base": _l("Transfer demonstration base (科技成果转移转化示范基地)"),
    "pilot_platform": _l("Pilot-test public service platform (中试公共服务平台)"),
    "tech_market": _l("League or city technology market (盟市科技市场)"),
    "transfer_agency": _l("Technology transfer agency (技术转移服务机构)"),
    "talent_base": _l("Transfer talent training base (技术转移人才培养基地)"),
}
LEVELS = {"national": _l("National"), "regional": _l("Regional (自治区级)"),
          "prefecture": _l("League or city (盟市级)")}

#: (level, kind) -> the kind of the ``one-off-award`` calculator ((八)(九)(十)).
AWARDS = {
    ("national", "key_lab"): "platform_key_lab",
    ("national", "tech_innovation_centre"): "platform_tech_innovation_centre",
    ("national", "eng_research_centre"): "platform_eng_research_centre",
    ("national", "manufacturing_centre"): "platform_manufacturing_centre",
    ("national", "field_station"): "platform_field_station",
    ("national", "hitech_zone"): "hitech_zone_national",
    ("regional", "hitech_zone"): "hitech_zone_regional",
    ("national", "demo_zone"): "demo_zone_national",
    ("regional", "demo_zone"): "demo_zone_regional",
}


@dataclass(frozen=True)
class Target:
    clause: str
    kind: str
    level: str
    low: int
    high: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.level}-{self.kind}"

    @property
    def label(self) -> str:
        return f"{LEVELS[self.level]} · {KINDS[self.kind]}"

    @property
    def wording(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Targets:
    source: str
    year: int
    targets: tuple[Target, ...]


@functools.cache
def targets() -> Targets:
    raw = json.loads(resources.files("techmarket.reporting").joinpath("targets.json").read_text("utf-8"))
    return Targets(raw["source"], int(raw["year"]), tuple(
        Target(t["clause"], t["kind"], t["level"], int(t["min"]), int(t["max"]), t["text"]) for t in raw["targets"]))
