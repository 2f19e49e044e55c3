"""The demo technology contracts between the demo organisations (fictional, realistic). Pure data.

Each contract has a plan (the state the loader drives it to through the services) and ``days_ago``: how long
before today its decisive step happened (registration, the decision, or the submission while it waits), so
the demo spreads over this year and last year whenever it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from techmarket.listings.patents import check_digit

# The demo organisations (demo/data.py) by short name.
IMU, IMUT, IMAU, IMUST = "内蒙古大学", "内蒙古工业大学", "内蒙古农业大学", "内蒙古科技大学"
RE_INST, RE_CO = "包头稀土新材料研究所", "包头稀土永磁科技有限公司"
DAIRY = "呼和浩特乳业生物技术有限公司"
COALCHEM, H2 = "鄂尔多斯煤制烯烃化工有限公司", "鄂尔多斯氢能装备有限公司"
GRAPHENE, WIND, CORN = "乌海石墨烯材料有限公司", "赤峰风光储能源科技有限公司", "通辽玉米生物科技有限公司"
GRASS, POTATO, DATA = "呼伦贝尔草原生态研究院", "巴彦淖尔马铃薯种业有限公司", "乌兰察布大数据产业有限公司"
XINGAN, CASHMERE = "兴安盟绿色农畜产品有限公司", "锡林郭勒羊绒制品有限公司"
ALXA, AGENCY, BATTERY = "阿拉善碳捕集封存技术有限公司", "内蒙古技术转移中心", "包头新能源电池有限公司"
BEIJING, NORDIC = "北京清洁能源研究院", "Nordic Hydrogen Technology AB"

PLANS = ("draft", "submitted", "second_review", "registered", "returned", "refused", "rescinded", "withdrawn")
SECOND_REGISTRAR = ("registrar2@demo.techmarket.cn", "登记员 高娜")
EXPERT_OPINION = "专家组意见：技术路线先进，合同标的、价款和知识产权归属约定清楚，技术交易额认定无误，同意登记。"
RESCISSION = "双方协商一致解除合同，卖方已退还未履行部分价款，附解除协议。"


@dataclass(frozen=True)
class Outside:
    """A party that is not on the platform: its registered particulars as written in the contract."""

    name: str
    division: str  # the registering authority's division (first 6 digits after the prefix of its credit code)
    nature: str
    prefix: str = "91"


NINGXIA = Outside("宁夏宁东煤化工新材料有限公司", "640181", "state_owned")
GANSU = Outside("甘肃定西马铃薯产业集团有限公司", "621102", "private")
HEBEI = Outside("张家口风电运维服务有限公司", "130702", "private")


@dataclass(frozen=True)
class DemoContract:
    title: str
    type_key: str
    seller: str
    buyer: str | Outside
    total: Decimal
    plan: str
    days_ago: int
    summary: str
    non_tech: tuple[tuple[str, str, Decimal], ...] = ()  # category, description, amount
    ip: tuple[tuple[str, str, str], ...] = ()  # kind, number, title
    licence: tuple[str, int] | None = None  # exclusivity, years
    territory: str = ""
    agency: str | None = None
    reason: str = ""  # why returned, the refusal note, or why rescinded
    refusal: tuple[str, ...] = ()
    rescinded_days_ago: int = 0


def patent(year: int, serial: int, kind: int = 1) -> str:
    digits = f"{year}{kind}{serial:07d}"
    return f"ZL{digits}.{check_digit(digits)}"


def wan(amount: int | str) -> Decimal:
    """万元 -> yuan."""
    return Decimal(str(amount)) * 10000


C = DemoContract
CONTRACTS: tuple[DemoContract, ...] = (
    # --- registered: rare earths in 包头
    C("高矫顽力烧结钕铁硼晶界扩散技术专利权转让合同", "transfer.patent", RE_INST, RE_CO, wan(860), "registered", 520,
      "转让镝/铽晶界扩散制备高矫顽力烧结钕铁硼磁体的发明专利权，含工艺包与三个月现场指导。",
      non_tech=(("equipment", "晶界扩散真空热处理炉 1 台", wan(60)),),
      ip=(("invention_patent", patent(2021, 1034567), "一种高矫顽力烧结钕铁硼磁体的晶界扩散方法"),), agency=AGENCY),
    C("稀土永磁同步电机用高性能磁钢委托开发合同", "development.commissioned", IMUST, RE_CO, wan(180), "registered", 75,
      "为新能源汽车驱动电机开发耐高温、低重稀土用量的钕铁硼磁钢及其充磁工艺。"),
    C("钕铁硼废料再生利用专利实施许可合同", "licence.patent", RE_CO, BEIJING, wan(240), "registered", 160,
      "许可在京津冀地区实施钕铁硼油泥废料氢破碎再生专利，普通许可五年。",
      ip=(("invention_patent", patent(2020, 1187654), "钕铁硼油泥废料的再生制备方法"),),
      licence=("ordinary", 5), territory="北京市、天津市、河北省"),
    C("钕铁硼永磁材料制备技术作价入股合同", "transfer.equity", RE_INST, RE_CO, wan(300), "registered", 20,
      "以低重稀土钕铁硼制备技术秘密作价入股，折合注册资本 300 万元。",
      ip=(("know_how", "", "低重稀土钕铁硼磁体配方及烧结工艺"),)),
    C("石墨烯高导热膜制备专利申请权转让合同", "transfer.patent_application", GRAPHENE, RE_CO, wan(150), "registered",
      250, "转让石墨烯高导热膜连续化制备方法的专利申请权，用于永磁电机散热。",
      ip=(("patent_application", "", "石墨烯高导热膜的连续化制备方法"),)),
    C("稀土储氢合金电极材料委托开发合同", "development.commissioned", IMUST, WIND, wan(98), "registered", 610,
      "开发镧镁镍系稀土储氢合金，用于风光储一体化示范项目的镍氢储能电池。"),
    C("稀土永磁产业技术中介服务合同", "service.intermediary", AGENCY, RE_CO, wan(18), "registered", 300,
      "为稀土永磁企业对接高校成果、组织技术评估与交易谈判。"),
    # --- registered: dairy in 呼和浩特
    C("乳酸菌益生菌株及发酵技术秘密转让合同", "transfer.know_how", IMAU, DAIRY, wan(320), "registered", 430,
      "转让自传统奶制品中分离的干酪乳杆菌菌株及其高密度发酵工艺技术秘密。",
      ip=(("know_how", "", "干酪乳杆菌高密度发酵工艺"),)),
    C("乳清蛋白肽制备工艺委托开发合同", "development.commissioned", IMU, DAIRY, wan(120), "registered", 210,
      "开发酶解法乳清蛋白肽中试工艺，形成婴配粉原料质量标准。"),
    C("原料乳质量快速检测技术服务合同", "service.service", DAIRY, XINGAN, wan(45), "registered", 40,
      "为兴安盟牧场建立原料乳体细胞、抗生素残留快速检测方法并培训化验人员。"),
    # --- registered: hydrogen, wind and coal chemicals in 鄂尔多斯 / 乌兰察布 / 赤峰
    C("风光制氢耦合煤制烯烃示范工程技术合作开发合同", "development.cooperative", H2, COALCHEM, wan(1250),
      "registered", 120, "合作开发 2 万吨/年绿氢替代煤制氢耦合烯烃装置的工艺包与控制系统。",
      non_tech=(("equipment", "1000 Nm³/h 碱性电解槽 2 台", wan(360)), ("parts", "气液分离器与纯化单元", wan(40))),
      agency=AGENCY),
    C("高压气态储氢瓶选型技术咨询合同", "consulting.consulting", IMUT, H2, wan(38), "registered", 600,
      "对 35/70 MPa 车载储氢瓶技术路线进行论证并出具可行性研究报告。"),
    C("甲醇制烯烃催化剂技术秘密使用许可合同", "licence.know_how", COALCHEM, NINGXIA, wan(680), "registered", 480,
      "许可在宁东基地使用 SAPO-34 分子筛催化剂制备技术秘密，排他许可八年。",
      licence=("sole", 8), territory="宁夏回族自治区"),
    C("二氧化碳捕集驱油与封存技术委托开发合同", "development.commissioned", IMU, COALCHEM, wan(520), "registered", 400,
      "开发煤化工高浓度二氧化碳捕集、管输与驱油封存一体化方案（CCUS）。"),
    C("碱性电解槽制氢专利独占实施许可合同", "licence.patent", H2, NORDIC, wan(450), "registered", 55,
      "许可在瑞典独占实施大标方碱性电解槽极板专利十年。",
      ip=(("invention_patent", patent(2022, 1456789), "一种碱性水电解槽用复合极板"),),
      licence=("exclusive", 10), territory="瑞典"),
    C("风电功率预测软件著作权许可合同", "licence.software", DATA, WIND, wan(90), "registered", 95,
      "许可使用基于气象数值预报的风电功率短期预测软件，普通许可三年。",
      ip=(("software", "2023SR0456789", "风电功率短期预测系统 V2.0"),), licence=("ordinary", 3)),
    C("储能电站能量管理系统运维技术服务合同", "service.service", WIND, HEBEI, wan(62), "registered", 380,
      "为张家口 100 MW/200 MWh 储能电站提供能量管理系统调试与年度运维服务。"),
    # --- registered: agriculture and pastures
    C("玉米秸秆发酵制 L-乳酸菌种委托开发合同", "development.commissioned", IMAU, CORN, wan(210), "registered", 540,
      "选育耐高温 L-乳酸生产菌株，开发以玉米秸秆水解液为碳源的发酵工艺。"),
    C("玉米秸秆青贮饲料加工技术服务合同", "service.service", CORN, XINGAN, wan(32), "registered", 135,
      "为兴安盟肉牛养殖基地提供秸秆黄贮、青贮配方与加工技术服务。"),
    C("马铃薯脱毒种薯新品种权转让合同", "transfer.plant_variety", POTATO, GANSU, wan(78), "registered", 180,
      "转让高淀粉马铃薯新品种“巴薯 9 号”的植物新品种权。",
      ip=(("plant_variety", "CNA20231234.5", "巴薯 9 号"),)),
    C("退化草原生态修复技术咨询合同", "consulting.consulting", GRASS, CASHMERE, wan(26), "registered", 650,
      "对锡林郭勒羊绒原料基地退化草场的补播改良与轮牧方案提供咨询报告。"),
    C("羊绒精纺工艺技术培训合同", "service.training", IMUT, CASHMERE, wan(15), "registered", 30,
      "为企业技术人员开展半精纺羊绒纱线工艺与质量控制培训 40 学时。"),
    # --- rescinded after registration
    C("数据中心液冷系统节能改造技术服务合同", "service.service", DATA, ALXA, wan(110), "rescinded", 450,
      "为数据中心机房实施浸没式液冷改造方案设计与调试服务。", reason=RESCISSION, rescinded_days_ago=300),
    # --- awaiting the second registrar
    C("石墨烯改性重防腐涂料委托开发合同", "development.commissioned", GRAPHENE, COALCHEM, wan(620), "second_review",
      12, "开发用于煤化工装置的石墨烯改性环氧重防腐涂料及施工工艺。",
      non_tech=(("raw_materials", "石墨烯浆料试制原料", wan(40)),)),
    # --- submitted, waiting (two overdue)
    C("稀土抛光粉制备专利权转让合同", "transfer.patent", IMUST, RE_CO, wan(98), "submitted", 34,
      "转让铈基稀土抛光粉的发明专利权。",
      ip=(("invention_patent", patent(2019, 1076543), "一种高切削力铈基稀土抛光粉的制备方法"),)),
    C("氢燃料电池备用电源系统委托开发合同", "development.commissioned", H2, DATA, wan(135), "submitted", 26,
      "为数据中心开发 200 kW 氢燃料电池备用电源系统样机。"),
    C("构网型储能变流器技术合作开发合同", "development.cooperative", WIND, COALCHEM, wan(760), "submitted", 10,
      "合作开发用于煤化工园区微电网的构网型储能变流器及控制策略。"),
    C("奶酪发酵剂技术秘密使用许可合同", "licence.know_how", DAIRY, CORN, wan(56), "submitted", 3,
      "许可使用马苏里拉奶酪复合发酵剂配方及扩培工艺，普通许可五年。", licence=("ordinary", 5)),
    C("优质牧草种子丸粒化技术咨询合同", "consulting.consulting", GRASS, XINGAN, wan(15), "submitted", 8,
      "对苜蓿、羊草种子丸粒化包衣技术方案进行论证。"),
    # --- returned for missing material
    C("马铃薯淀粉加工废水资源化技术咨询合同", "consulting.consulting", POTATO, CORN, wan(30), "returned", 14,
      "对马铃薯淀粉加工废水蛋白回收与还田利用方案提供咨询。",
      reason="未上传加盖双方公章的合同签字页，请补充后重新提交。"),
    C("算力调度平台部署技术服务合同", "service.service", DATA, IMU, wan(45), "returned", 40,
      "为高校科研算力平台部署异构算力调度系统。",
      reason="技术服务内容与报酬条款不一致，请补充验收标准附件。"),
    # --- refused
    C("离心分离设备采购及安装服务合同", "service.service", COALCHEM, BATTERY, wan(230), "refused", 70,
      "采购卧式螺旋离心机 4 台并安装调试。", refusal=("not_technology",),
      reason="合同标的为设备采购与安装，不属于技术合同。"),
    C("烧结钕铁硼表面防护专利实施许可合同", "licence.patent", RE_CO, ALXA, wan(80), "refused", 200,
      "许可实施钕铁硼磁体表面镀层防护专利。",
      ip=(("invention_patent", patent(2018, 1123456), "一种烧结钕铁硼磁体表面复合镀层方法"),),
      licence=("ordinary", 3), refusal=("price_unclear", "documents"),
      reason="许可使用费的计算方式未约定，且缺少专利登记簿副本。"),
    # --- withdrawn by the seller, and a draft
    C("牛肉冷链物流追溯技术咨询合同", "consulting.consulting", XINGAN, DATA, wan(20), "withdrawn", 50,
      "对牛肉冷链追溯系统的建设方案进行咨询。"),
    C("石墨烯导电浆料中试技术委托开发合同", "development.commissioned", IMU, GRAPHENE, wan(35), "draft", 5,
      "开发锂电池用石墨烯导电浆料中试工艺。"),
)
