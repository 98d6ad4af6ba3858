"""Theme rules of data/taxonomy.yaml (#15), each on a short snippet written for it, and the `ignore_themes_only`
key of the engine. A row reads: in this snippet, this theme does (or does not) fire."""

from __future__ import annotations

import pytest

from lib.pipeline import tag_rules
from lib.pipeline.tag_rules import parse_taxonomy
from lib.pipeline.tagging import tag
from tests.test_tag_rules import MINIMAL

SPANS_THEMES_NEVER_READ = [
    # a cited document's title is not what the measure does
    ("纳入《某市加快培育新质生产力若干措施》统筹安排", "产业创新融合", False),
    ("加快培育新质生产力", "产业创新融合", True),
    # a clause reporting a growth rate reviews the past; a target with 力争 / 年均…以上 is read
    ("软件和信息服务业产业链营业收入增长11.2%", "产业创新融合", False),
    ("力争研发投入年均增长10%以上", "研发与科技投入", True),
    ("财政科技投入比上年增长8%", "研发与科技投入", False),
    # the roles a body plays, listed, are not acts
    ("发挥其在共性技术攻关、青年人才培养等方面的支撑作用", "关键核心技术攻关", False),
    ("发挥大学科技园在成果转化、创业孵化等方面的功能", "成果转化", False),
    ("组织开展关键技术攻关", "关键核心技术攻关", True),
    # a clause that judges a state reached reviews the past; a target with 到20… or 力争 is read
    ("技术转移体系建设初见成效", "成果转化", False),
    ("全社会创新创业氛围日益浓厚", "创新创业与孵化", False),
    ("职务科技成果赋权改革取得积极进展", "科技体制改革与评价", False),
    ("到2027年，科技成果转移转化成效显著提升", "成果转化", True),
    # 民生科技: pension finance is finance
    ("发展科技金融、养老金融、数字金融", "民生科技", False),
    ("发展智慧养老技术", "民生科技", True),
    # a clause that only names a principle held states a stance
    ("坚持科技自立自强，组织实施重大专项", "关键核心技术攻关", True),
    ("坚持科技自立自强，优化营商环境", "关键核心技术攻关", False),
    # a list of what the work relies on, framed by 以…为依托 however long
    ("以国家实验室、前沿科学中心、交叉研究平台等一批重大创新平台为依托，培养青年人才", "基础研究", False),
    # what an assessment counts is measured, not done
    ("将研发投入、专利产出及成果转化等纳入国有企业负责人经营业绩考核", "知识产权", False),
    ("加强专利导航和知识产权运营", "知识产权", True),
]

THEME_RULES = [
    # 创新平台与载体: a generic platform word counts where the clause builds, runs or grades a platform
    ("科研院所、新型研发机构参与揭榜", "创新平台与载体", False),
    ("联合龙头企业、创新平台开展人才培养试点", "创新平台与载体", False),
    ("支持龙头企业建立新型研发机构", "创新平台与载体", True),
    ("提升重点实验室运行效能", "创新平台与载体", True),
    ("新建一批大学科技园", "创新平台与载体", True),
    ("对公共研究开发平台加强建设", "创新平台与载体", True),
    # a school's popular-science lab is 科普, an incubator's platform is 孵化
    ("推进中小学科普实验室建设", "创新平台与载体", False),
    ("支持孵化器公共技术平台建设", "创新平台与载体", False),
    ("支持孵化器公共技术平台建设", "创新创业与孵化", True),
    # 科技体制改革与评价: powers taken back from approval, rules of project money, integrity, autonomy
    ("深入推进简政放权、放管结合", "科技体制改革与评价", True),
    ("项目间接费用按规定核定", "科技体制改革与评价", True),
    ("在科研项目申报中弄虚作假的，取消申报资格", "科技体制改革与评价", True),
    ("申领补贴时弄虚作假的，追回资金", "科技体制改革与评价", False),
    ("允许科研院所自主开展职称评审", "科技体制改革与评价", True),
    ("高等院校可以自主决定成果转让价格", "科技体制改革与评价", True),
    ("面向社会择优确定项目承担单位", "科技体制改革与评价", True),
    ("赋予科研人员职务成果长期使用权", "科技体制改革与评价", True),
    ("精简科研项目申报流程和报表", "科技体制改革与评价", True),
    ("实行首席科学家负责制", "科技体制改革与评价", True),
    ("全面落实河湖长负责制", "科技体制改革与评价", False),
    ("破除唯论文、唯职称倾向", "科技体制改革与评价", True),
    ("健全科技伦理审查机制", "科技体制改革与评价", True),
    ("建立健全改革容错纠错机制", "科技体制改革与评价", True),
    # an evaluation system grading research, people or bodies; a contest's scoring is not
    ("健全人才分类评价体系", "科技体制改革与评价", True),
    ("参照观众投票等标准设置评价体系", "科技体制改革与评价", False),
    # 产业创新融合: chain-building, technology applied to industry; not a chain named as a place of resources
    ("推动生物医药产业强链补链", "产业创新融合", True),
    ("以数字技术赋能制造业", "产业创新融合", True),
    ("引导企业挖掘上下游产业链资源", "产业创新融合", False),
    ("推动产业链创新链深度融合", "产业创新融合", True),
    ("建设一批优势特色产业集聚区", "产业创新融合", False),
    # 工业互联网 applied or grown counts; naming the field of talent, standards or an award does not
    ("深化工业互联网融合应用", "产业创新融合", True),
    ("开展工业互联网人才培训", "产业创新融合", False),
    ("对在工业互联网领域作出突出贡献的个人予以表彰", "产业创新融合", False),
    # 创新创业与孵化: the one-person company is a start-up; OPC UA is a protocol; culture's 双创 is not
    ("支持青年创办OPC", "创新创业与孵化", True),
    ("推广OPC UA等工业通信协议", "创新创业与孵化", False),
    ("实施传统文化“双创”工程", "创新创业与孵化", False),
    # 企业创新主体: a firm's own R&D spending or the R&D body it builds; a subsidy to firms is not
    ("鼓励企业持续加大研发投入", "企业创新主体", True),
    ("支持龙头企业建立研发中心", "企业创新主体", True),
    ("对企业购置设备给予补贴", "企业创新主体", False),
    # 人才: motivating researchers and letting them work both sides count
    ("充分调动科研人员的积极性", "人才", True),
    ("支持高校科技人才到企业兼职", "人才", True),
    ("统筹项目、人才、资金等资源", "人才", False),
    # 产业创新融合: AI put into trades, a technology applied in production
    ("深入实施“人工智能+”行动", "产业创新融合", True),
    ("推动数字技术在生产制造环节的推广应用", "产业创新融合", True),
    ("推动数字技术研发", "产业创新融合", False),
    # 区域创新布局: 集聚区 is the same as 聚集区
    ("建设人工智能创新集聚区", "区域创新布局", True),
    # 开放合作: opening up with S&T in the clause, not trade, business climate or greetings
    ("提高对外开放水平", "开放合作", False),
    ("扩大科技领域对外开放", "开放合作", True),
    ("打造市场化法治化国际化营商环境", "开放合作", False),
    ("向港澳台同胞、海外侨胞致以问候", "开放合作", False),
    ("支持企业在海外设立研发中心", "开放合作", True),
    # 科技金融: property and local-government financing, pension finance, 社会资本市场化 are not innovation finance
    ("用好城市房地产融资协调机制", "科技金融", False),
    ("推动社会资本市场化运作", "科技金融", False),
    ("发展养老金融产品", "科技金融", False),
    ("拓宽科技型企业融资渠道", "科技金融", True),
    # 创新平台与载体: a city's positioning as a science hub is not a platform
    ("加快建设具有全球影响力的科技创新中心", "创新平台与载体", False),
    ("建设企业科技创新中心", "创新平台与载体", True),
    # 人才: athletes and artists are not S&T talent
    ("培养体育后备人才", "人才", False),
    ("培养青年科技人才", "人才", True),
    # 区域创新布局: creating a park or a zone is a layout; a zone named as a partner is not
    ("支持各区创建市级主题园区", "区域创新布局", True),
    ("加强与国家自主创新示范区的协同联动", "区域创新布局", False),
    ("高标准建设国家自主创新示范区", "区域创新布局", True),
    # 知识产权: a standard factory building is no standard; 标准化 as “made uniform”; holding patents is a condition
    ("建设标准化厂房", "知识产权", False),
    ("推广标准化服务组件", "知识产权", False),
    ("加强人工智能标准化体系建设", "知识产权", True),
    ("对拥有发明专利的企业给予奖励", "知识产权", False),
    ("支持企业开展专利导航", "知识产权", True),
    # 产业创新融合: 改造升级 of plants, not of pipes
    ("推动企业生产线改造升级", "产业创新融合", True),
    ("推进老旧管网改造升级", "产业创新融合", False),
    # 关键核心技术攻关: bare 攻关 carried out, not listed among areas; a common-technology platform is a platform
    ("在协同攻关、资源对接等方面加强撮合", "关键核心技术攻关", False),
    ("组织产学研联合攻关", "关键核心技术攻关", True),
    ("攻关新一代储能材料", "关键核心技术攻关", True),
    ("建设行业共性技术服务平台", "关键核心技术攻关", False),
    ("突破一批行业共性技术", "关键核心技术攻关", True),
]


@pytest.mark.parametrize("text, label, fires", SPANS_THEMES_NEVER_READ + THEME_RULES)
def test_a_theme_fires_only_on_the_clause_that_acts(text, label, fires):
    assert (label in tag(text, None).themes) is fires


@pytest.mark.parametrize(
    "text, dimension, label",
    [
        ("纳入《关于加快发展人工智能的意见》统筹安排", "industries", "人工智能"),
        ("金融机构贷款余额增长9%", "instruments", "环境型·金融支持"),
    ],
)
def test_spans_ignored_for_themes_are_still_read_by_the_other_dimensions(text, dimension, label):
    assert label in getattr(tag(text, None), dimension)


def test_ignore_themes_only_is_optional_and_parsed_like_the_other_ignore_lists():
    assert parse_taxonomy(MINIMAL).ignore_themes_only == ()
    parsed = parse_taxonomy({**MINIMAL, "ignore_themes_only": ["《[^》]+》"]})
    assert [p.pattern for p in parsed.ignore_themes_only] == ["《[^》]+》"]
    with pytest.raises(tag_rules.ReferenceDataError, match="ignore_themes_only: invalid pattern"):
        parse_taxonomy({**MINIMAL, "ignore_themes_only": ["《[^》+》"]})


@pytest.mark.parametrize(
    "text",
    [
        "纳入《某某人才计划》统筹推进，引进人才1200人、增长5%",
        "发挥高校在人才培养、成果转化等方面的作用",
        "将专利、论文等纳入考核，力争年均增长10%以上",
    ],
)
def test_skipping_the_theme_patterns_never_changes_what_is_blanked(text):
    patterns = tag_rules.taxonomy().ignore_themes_only
    tried_everywhere = text
    for pattern in patterns:
        tried_everywhere = pattern.sub(lambda m: tag_rules.BLANK * len(m.group(0)), tried_everywhere)
    assert tag_rules.blank(text, patterns) == tried_everywhere != text
