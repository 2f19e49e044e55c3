"""Hand-written parts of the demo listings: the theme shape and the shared vocabulary.

The themes themselves live in ``listings_themes_energy.py`` and ``listings_themes_land.py``; ``listings_build.py``
combines them (technology x application x organisation) into a few hundred plausible listings.
All organisations and people are fictional; the technologies are those of Inner Mongolia's key industries.
"""

from __future__ import annotations

from dataclasses import dataclass

# The demo organisations (names as in demo/data.py).
IMU = "内蒙古大学"
IMUT = "内蒙古工业大学"
IMAU = "内蒙古农业大学"
IMUST = "内蒙古科技大学"
REI = "包头稀土新材料研究所"
MAGNET = "包头稀土永磁科技有限公司"
DAIRY = "呼和浩特乳业生物技术有限公司"
OLEFIN = "鄂尔多斯煤制烯烃化工有限公司"
H2 = "鄂尔多斯氢能装备有限公司"
GRAPHENE = "乌海石墨烯材料有限公司"
WINDSOLAR = "赤峰风光储能源科技有限公司"
CORN = "通辽玉米生物科技有限公司"
GRASS = "呼伦贝尔草原生态研究院"
POTATO = "巴彦淖尔马铃薯种业有限公司"
BIGDATA = "乌兰察布大数据产业有限公司"
XINGAN = "兴安盟绿色农畜产品有限公司"
CASHMERE = "锡林郭勒羊绒制品有限公司"
ALXA_CCUS = "阿拉善碳捕集封存技术有限公司"  # not verified yet: its listings stay drafts
BATTERY = "包头新能源电池有限公司"  # returned by the operator: its listings stay drafts
BEIJING = "北京清洁能源研究院"
NORDIC = "Nordic Hydrogen Technology AB"

# Short names used in team descriptions.
SHORT = {IMU: "内大", IMUT: "内工大", IMAU: "内农大", IMUST: "内科大", REI: "稀土所", GRASS: "草原院",
         BEIJING: "北京清能院", NORDIC: "Nordic Hydrogen"}
# Contact e-mail local parts (all on the demo domain, so no real mailbox is ever written to).
MAILBOX = {IMU: "imu-tt", IMUT: "imut-tt", IMAU: "imau-tt", IMUST: "imust-tt", REI: "rei", MAGNET: "magnet",
           DAIRY: "dairy", OLEFIN: "olefin", H2: "h2", GRAPHENE: "graphene", WINDSOLAR: "windsolar",
           CORN: "corn", GRASS: "grass", POTATO: "potato", BIGDATA: "bigdata", XINGAN: "xingan",
           CASHMERE: "cashmere", ALXA_CCUS: "alxa-ccus", BATTERY: "battery", BEIJING: "bjce", NORDIC: "nordic"}


@dataclass(frozen=True)
class Theme:
    """One industry theme: the parts that are combined into achievements and demands."""

    key: str  # stable: part of every import key, never rename
    fields: tuple[str, ...]  # POLICY.md §1 clause (一) taxonomy; the first is always set
    techs: tuple[tuple[str, str], ...]  # (technology offered as an achievement, its key figures)
    uses: tuple[str, ...]  # application scenarios
    # For each technology, the indexes of the uses it really serves: a title combines a technology only with
    # one of these (a polishing powder is not offered for hydrogen tanks).
    fits: tuple[tuple[int, ...], ...]
    makers: tuple[str, ...]  # organisations offering achievements (universities, institutes, enterprises)
    # One demand each: (what it asks for, the problem behind it, its target, the enterprise posting it, where used)
    needs: tuple[tuple[str, str, str, str, str], ...]
    places: tuple[str, ...]  # county codes where the technology is applied
    keywords: tuple[str, ...]
    inventions: tuple[str, ...]  # invention patent titles
    devices: tuple[str, ...] = ()  # utility model titles
    industries: str = ""
    price: tuple[int, int] = (50, 500)  # typical asking price / budget in 万元
    ip: str = "patent"  # patent | software | variety | know_how: the typical protection besides patents
    away: float = 0.4  # how often an achievement is placed where it is applied rather than at its organisation
    achievements: int = 12


SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "胡", "郭", "何",
            "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "韩", "冯", "于", "董", "萧", "程", "曹", "袁",
            "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶",
            "阎", "包", "那", "白", "敖")
MONGOLIAN_NAMES = ("乌力吉", "巴特尔", "额尔敦", "其木格", "斯琴", "那仁", "苏日娜", "阿拉坦", "朝鲁", "图雅")
GIVEN = ("建华", "志强", "海涛", "晓东", "丽娜", "文博", "慧敏", "国栋", "学军", "振宇", "春燕", "宏伟",
         "雅琴", "永刚", "桂兰", "鹏飞", "思远", "晓芳", "玉梅", "德胜")

# Area codes of the 12 盟市 (by prefecture code).
AREA_CODES = {"150100": "0471", "150200": "0472", "150300": "0473", "150400": "0476", "150500": "0475",
              "150600": "0477", "150700": "0470", "150800": "0478", "150900": "0474", "152200": "0482",
              "152500": "0479", "152900": "0483"}

ORG_KIND = {IMU: "university", IMUT: "university", IMAU: "university", IMUST: "university", REI: "institute",
            GRASS: "institute", BEIJING: "institute"}  # everything else: enterprise

# Maturity stages likely for each kind of organisation, and the TRL range of each stage.
MATURITY_BY_KIND = {
    "university": ("lab", "pilot_small", "pilot_small", "pilot", "pilot"),
    "institute": ("pilot_small", "pilot", "pilot", "trial_production", "industrialised"),
    "enterprise": ("pilot", "trial_production", "industrialised", "industrialised"),
}
TRL_RANGE = {"lab": (3, 4), "pilot_small": (4, 5), "pilot": (5, 6), "trial_production": (6, 7),
             "industrialised": (8, 9)}
MODES_BY_KIND = {
    "university": ("transfer", "licence_ordinary", "licence_exclusive", "co_development", "equity", "service"),
    "institute": ("transfer", "licence_sole", "licence_ordinary", "co_development", "equity", "service"),
    "enterprise": ("transfer", "licence_ordinary", "co_development", "service", "equity"),
}
DEMAND_MODES = ("co_development", "co_development", "transfer", "licence_ordinary", "service")
MODE_WORDS = {"transfer": "转让", "licence_exclusive": "独占许可", "licence_sole": "排他许可",
              "licence_ordinary": "普通许可", "equity": "作价入股", "co_development": "合作开发",
              "service": "技术服务"}
MATURITY_WORDS = {"lab": "实验室阶段", "pilot_small": "小试阶段", "pilot": "中试阶段",
                  "trial_production": "试生产阶段", "industrialised": "产业化阶段"}
DRIVERS = ("高性能、低成本", "安全可靠、长寿命", "节能降耗、绿色低碳", "关键技术自主可控", "规模化、标准化生产")
GENERIC_SPECS = ("关键设备国产化率≥90%", "与同类进口技术相比综合成本降低{p}%", "已完成{n}家企业现场应用验证",
                 "形成企业标准{n}项", "连续运行{d}天无故障")
ADVANTAGES = ("工艺流程短，关键设备可国产化，易于规模放大", "对原料适应性强，可利用现有产线改造实施",
              "运行维护简单，投资回收期短", "能耗和排放显著低于现有工艺")
GENERIC_TARGETS = ("提供中试或示范验证报告", "知识产权归属按合同约定，企业享有优先实施权",
                   "技术方案须符合国家和行业相关标准", "项目周期不超过{m}个月")

ACHIEVEMENT_TITLES = ("面向{use}的{tech}", "{tech}及其在{use}中的应用", "{use}用{tech}", "{tech}（{use}）")
DEMAND_TITLES = ("寻求{need}的解决方案", "{need}技术攻关", "{need}（{use}）", "征集{need}技术与合作团队")

FUNDING_PROGRAMMES = ("内蒙古自治区科技重大专项", "内蒙古自治区重点研发和成果转化计划", "国家重点研发计划",
                      "国家自然科学基金", "“科技兴蒙”行动重点专项", "内蒙古自治区自然科学基金")
APPROVAL_DOCUMENTS = ("内科发〔2024〕{n}号 同意成果转化的批复", "内教科函〔2025〕{n}号 科技成果转化批复",
                      "{org}科研〔2025〕{n}号 成果转化审批意见")

RETURN_REASONS = (
    "成果简介过于简略，请补充主要技术指标、试验数据和知识产权证明材料后重新提交。",
    "价格区间跨度过大，请说明报价依据或改为“面议”。",
    "联系人电话与单位登记信息不一致，请核对后重新提交。",
    "需求描述未说明现有工艺条件和预期指标，请补充后重新提交。",
    "所列专利号与权利人不一致，请提供专利证书或转让登记证明。",
    "标题与所选技术领域不符，请调整领域或修改标题。",
)
REVISION_NOTES = (
    "### 最新进展\n\n已完成第二轮中试验证，连续运行 {days} 天，主要指标全部达标，现补充检测报告摘要。",
    "### 价格调整说明\n\n根据近期市场询价情况，报价调整如下，欢迎有意向单位洽谈。",
    "### 补充说明\n\n新增一项发明专利授权，并与 {n} 家企业完成技术对接，可提供现场考察。",
)
DEMAND_REVISION_NOTE = "### 补充说明\n\n根据前期对接情况，方案征集截止日期延后至 {date}，欢迎更多单位参与。"
