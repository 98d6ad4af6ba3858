"""Tags from the clause that acts (#15): each rule of data/taxonomy.yaml on a short snippet, and the file's
schema checks. A row reads: in this snippet, this label of this dimension does (or does not) fire."""

from __future__ import annotations

import pytest

from lib.pipeline import tag_rules
from lib.pipeline.tag_rules import clause_spans, parse_taxonomy
from lib.pipeline.tagging import tag
from lib.reference import ReferenceDataError

SPANS_NEVER_READ = [
    # department lists name who acts
    ("加强科技、工业和信息化、教育、人社、金融、国资等各部门的政策联动", "instruments", "环境型·金融支持", False),
    ("发挥金融支持作用，引导金融资本投向科技企业", "instruments", "环境型·金融支持", True),
    ("科技、人社、金融及有关部门加强协同", "instruments", "环境型·金融支持", False),
    # actor lists name who takes part
    ("推动科研院所、众创空间、大学科技园等创新主体参与合作", "themes", "创新创业与孵化", False),
    ("高水平建设众创空间", "themes", "创新创业与孵化", True),
    # programme names a body may join
    ("可以承担科技、技术改造、知识产权等计划项目", "themes", "知识产权", False),
    # purpose clauses and beneficiaries
    ("为建设创新型城市，完善科技服务", "themes", "区域创新布局", False),
    ("加快建设创新型城市", "themes", "区域创新布局", True),
    ("为创业团队提供专业服务", "themes", "创新创业与孵化", False),
    ("为创业团队提供专业服务", "instruments", "供给型·公共服务", True),
    # rhetoric
    ("科技创新为乡村振兴作出重要贡献", "themes", "民生科技", False),
    ("推进乡村振兴科技示范", "themes", "民生科技", True),
    # 以…为… frames
    ("建立以知识产权为核心的评价体系", "themes", "知识产权", False),
    ("建立以知识产权为核心的评价体系", "themes", "科技体制改革与评价", True),
    # areas on which experts are consulted, matters advice is about
    ("在科技规划编制、科技重大项目指南制定等方面扩大企业家参与度", "themes", "关键核心技术攻关", False),
    ("在科技规划编制、科技重大项目指南制定等方面扩大企业家参与度", "instruments", "环境型·目标规划", False),
    ("专家委员会负责提出研发方向、关键技术等重大事项建议", "themes", "关键核心技术攻关", False),
    ("实施科技重大项目", "themes", "关键核心技术攻关", True),
    # what a platform offers, the scope of a service, application areas: not themes, still industries
    ("打造集创业辅导、法律咨询、知识产权保护等于一体的服务平台", "themes", "知识产权", False),
    ("提供服务，涵盖财务代账、专利申报等", "themes", "知识产权", False),
    ("面向人工智能、金融等场景开放数据", "instruments", "环境型·金融支持", False),
    ("面向人工智能、金融等场景开放数据", "industries", "人工智能", True),
    # what the work relies on, injected momentum, the items of a bundle of services or policies
    ("依托重点实验室、概念验证中心等创新平台，开展联合研发", "themes", "创新平台与载体", False),
    ("为产业生态注入新动能", "themes", "产业创新融合", False),
    ("为青年提供创业指导、投融资对接、场地租赁等服务", "instruments", "环境型·金融支持", False),
    ("为青年提供创业指导、投融资对接、场地租赁等服务", "instruments", "供给型·公共服务", True),
    ("强化科技、产业、金融、人才等政策配套衔接", "instruments", "环境型·金融支持", False),
]

LABEL_RULES = [
    # 京津冀: 来津转化 is Beijing's only when Beijing is named
    ("推动外地科技成果来津转化", "themes", "京津冀协同创新", False),
    ("吸引首都高校成果来津转化", "themes", "京津冀协同创新", True),
    # 人才: the clause acts on people; names of carriers do not count
    ("推动项目、平台、人才、资金一体化配置", "themes", "人才", False),
    ("大力引进高层次人才", "themes", "人才", True),
    ("对特殊人才实行协议薪酬", "themes", "人才", True),
    ("建设海外人才创新型载体", "themes", "人才", False),
    ("建设海外人才创新型载体", "themes", "开放合作", False),
    ("建设海外人才创新型载体", "instruments", "需求型·海外交流", False),
    ("吸引海内外优秀人才", "themes", "开放合作", False),
    ("引进海外高层次人才", "instruments", "需求型·海外交流", False),
    ("鼓励众创空间开展国际合作", "instruments", "需求型·海外交流", True),
    # 创新创业与孵化: zeal and venture capital are not start-ups
    ("调动科技人员创新创业的积极性", "themes", "创新创业与孵化", False),
    ("设立创业投资基金", "themes", "创新创业与孵化", False),
    # 知识产权: an outcome's attribute, a loan's collateral
    ("形成一批具有自主知识产权的产品", "themes", "知识产权", False),
    ("开展知识产权质押融资", "themes", "知识产权", False),
    ("开展知识产权质押融资", "themes", "科技金融", True),
    ("加强知识产权保护", "themes", "知识产权", True),
    # 企业创新主体: growing or certifying firms, not lending to them
    ("对科技型企业的贷款给予贴息", "themes", "企业创新主体", False),
    ("加快培育高新技术企业", "themes", "企业创新主体", True),
    # 科技体制改革与评价: the way projects are organised, not running them
    ("探索企业出题、专家破题的项目形成机制", "themes", "科技体制改革与评价", True),
    ("加强国家基础项目组织申报", "themes", "科技体制改革与评价", False),
    ("优化项目组织实施机制", "themes", "科技体制改革与评价", True),
    # 区域创新布局: a zone named in passing is not a layout
    ("组织高新区企业开展研发", "themes", "区域创新布局", False),
    ("优化高新区空间布局", "themes", "区域创新布局", True),
    # 基础研究: applied-basic research
    ("积极部署应用基础和前沿技术", "themes", "基础研究", True),
    # 民生科技: technology for people's lives, not social policy
    ("提升养老机构服务水平", "themes", "民生科技", False),
    ("研发智能养老装备", "themes", "民生科技", True),
    # 产业创新融合: technology put into industry; a centre's name is a platform
    ("推动企业内网改造升级", "themes", "产业创新融合", True),
    ("深化5G与工业互联网融合应用", "themes", "产业创新融合", True),
    ("建设国家先进计算产业创新中心", "themes", "产业创新融合", False),
    # 关键核心技术攻关: frontier exploration is research, not a mission
    ("举办前沿技术研讨会", "themes", "关键核心技术攻关", False),
    # 科技体制改革与评价: reforms carried out, ownership of results
    ("深化科研经费管理改革", "themes", "科技体制改革与评价", True),
    ("开展职务科技成果单列管理", "themes", "科技体制改革与评价", True),
    ("稳步推进集体林权制度改革", "themes", "科技体制改革与评价", False),
    ("深化文化体制机制改革", "themes", "科技体制改革与评价", False),
    ("深化科研院所体制机制改革", "themes", "科技体制改革与评价", True),
    # 成果转化: 产业化 of research, not of an industry
    ("推动科技成果产业化", "themes", "成果转化", True),
    ("支持农业产业化龙头企业", "themes", "成果转化", False),
    # 科技金融: public borrowing and credit totals are not finance for innovation
    ("用足用好专项债券", "themes", "科技金融", False),
    ("发行科技创新债券", "themes", "科技金融", True),
    # 研发与科技投入: the legal term
    ("引导企业增加研究开发投入", "themes", "研发与科技投入", True),
    ("建立多元化投入机制", "themes", "研发与科技投入", False),
    # 开放合作: the national academies when the clause works with them
    ("加强与中国科学院的合作", "themes", "开放合作", True),
    ("中国科学院院士领衔", "themes", "开放合作", False),
    # 创新创业与孵化: an idiom, people coming, commercialisation
    ("干事创业劲头更足", "themes", "创新创业与孵化", False),
    ("吸引高水平创新团队来津创业", "themes", "创新创业与孵化", False),
    ("促进科技成果孵化转化", "themes", "创新创业与孵化", False),
    ("建设科技企业孵化器", "themes", "创新创业与孵化", True),
    # 法规管制: the language of a legal norm; approval services are not rules
    ("科研机构应当依法建立评价标准", "instruments", "环境型·法规管制", True),
    ("升级建设智能审批模块", "instruments", "环境型·法规管制", False),
    # 人才支持: 引育 and 培训 concern people only when people are named
    ("推动引育新动能", "instruments", "供给型·人才支持", False),
    ("开展政策培训", "instruments", "供给型·人才支持", False),
    ("加强技能人才培训", "instruments", "供给型·人才支持", True),
    # 公共服务: providing a service, matchmaking; not an attitude, not an industry
    ("为企业提供检测认证服务", "instruments", "供给型·公共服务", True),
    ("推动科技成果与产业需求精准对接", "instruments", "供给型·公共服务", True),
    ("提升政策服务意识", "instruments", "供给型·公共服务", False),
    ("发展科技服务业", "instruments", "供给型·公共服务", False),
    ("发展科技服务业", "industries", "科技服务业", True),
    # 基础设施: built, not relied on; vouchers are not infrastructure
    ("依托重点实验室开展攻关", "instruments", "供给型·基础设施", False),
    ("建设全国重点实验室", "instruments", "供给型·基础设施", True),
    ("新建一批中试基地", "instruments", "供给型·基础设施", True),
    ("发放算力券", "instruments", "供给型·基础设施", False),
    ("建设OPC公共服务平台", "instruments", "供给型·基础设施", False),
    ("改造升级企业网络", "instruments", "供给型·基础设施", True),
    ("发放算力券", "instruments", "供给型·公共服务", True),
    # 目标规划: plans made, targets ahead; not “规划建设”, a review, a plan carried out or a programme's name
    ("高标准规划建设人才队伍", "instruments", "环境型·目标规划", False),
    ("编制科技创新专项规划", "instruments", "环境型·目标规划", True),
    ("新增上市公司5家", "instruments", "环境型·目标规划", False),
    ("力争新增高新技术企业100家", "instruments", "环境型·目标规划", True),
    ("金融业增加值占比达到13.4%", "instruments", "环境型·目标规划", False),
    ("到2027年研发投入强度达到3.5%", "instruments", "环境型·目标规划", True),
    ("落实“海河英才”行动计划", "instruments", "环境型·目标规划", False),
    ("落实生物产业三年行动计划", "instruments", "环境型·目标规划", False),
    ("制定人工智能三年行动计划", "instruments", "环境型·目标规划", True),
    # 金融支持: a regulator named, a drug reaching the market
    ("会同金融局研究", "instruments", "环境型·金融支持", False),
    ("加快新药上市", "instruments", "环境型·金融支持", False),
    ("支持企业上市融资", "instruments", "环境型·金融支持", True),
    # 法规管制: making a rule; a 制度 of coordination is not one
    ("研究制定职务科技成果管理规定", "instruments", "环境型·法规管制", True),
    ("完善联席会议制度", "instruments", "环境型·法规管制", False),
    ("完善联席会议制度", "instruments", "环境型·策略性措施", True),
    # 策略性措施: assessment, coordination mechanisms, events, carrying policies out
    ("对众创空间开展绩效评估", "instruments", "环境型·策略性措施", True),
    ("建立京津冀协同机制", "instruments", "环境型·策略性措施", True),
    ("定期举办供需对接活动", "instruments", "环境型·策略性措施", True),
    ("用足用好高新技术企业支持政策", "instruments", "环境型·策略性措施", True),
    ("累计完成红树林营造修复", "instruments", "环境型·策略性措施", False),
    ("营造鼓励创新的良好氛围", "instruments", "环境型·策略性措施", True),
    ("在享受相关扶持政策的基础上", "instruments", "环境型·策略性措施", False),
    ("鼓励企业开展研发活动", "instruments", "环境型·策略性措施", False),
    # 资金投入: money given, not money that funded a project, returned or counted
    ("对认定的中心给予一次性奖励", "instruments", "供给型·资金投入", True),
    ("财政性资金资助的科技计划项目", "instruments", "供给型·资金投入", False),
    ("应将所获扶持资金予以退回", "instruments", "供给型·资金投入", False),
    ("全省研发经费支出约5100亿元", "instruments", "供给型·资金投入", False),
    # 税收优惠, 政府采购, 服务外包: relief, public purchase, work commissioned
    ("落实研发费用加计扣除政策", "instruments", "环境型·税收优惠", True),
    ("其中税收收入增长17.2%", "instruments", "环境型·税收优惠", False),
    ("支持政府首购创新产品", "instruments", "需求型·政府采购", True),
    ("按照模型采购费用的50%给予补助", "instruments", "需求型·政府采购", False),
    ("委托第三方机构开展评估", "instruments", "需求型·服务外包", True),
    ("调用第三方大模型接口", "instruments", "需求型·服务外包", False),
    # 示范应用: 先行先试 tries a policy, it does not use a product first
    ("在中心先行先试各类政策", "instruments", "需求型·示范应用", False),
    ("在中心先行先试各类政策", "instruments", "环境型·策略性措施", True),
    ("开展首台套示范应用", "instruments", "需求型·示范应用", True),
]


@pytest.mark.parametrize("text, dimension, label, fires", SPANS_NEVER_READ + LABEL_RULES)
def test_a_label_fires_only_on_the_clause_that_acts(text, dimension, label, fires):
    assert (label in getattr(tag(text, None), dimension)) is fires


def test_a_research_direction_gets_the_theme_of_its_field_with_the_field_as_its_clause():
    tags = tag("量子信息\n量子信息。研究量子计算等技术。", None, ("聚焦重点研发领域方向", "着力推动关键核心技术攻关"))
    assert "关键核心技术攻关" in tags.themes
    assert "主题·关键核心技术攻关←着力推动关键核心技术攻关（所属领域）" in tags.clauses
    assert "关键核心技术攻关" not in tag("量子信息\n量子信息。研究量子计算等技术。", None).themes


def test_a_research_direction_supplies_technology_whatever_its_words():
    text = "氢能\n氢能。研发电解制氢装备。"
    assert "供给型·技术支持" in tag(text, None, kind="rd_direction").instruments
    assert "供给型·技术支持" not in tag(text, None, kind="task").instruments
    assert "工具·供给型·技术支持←（研发方向条目）" in tag(text, None, kind="rd_direction").clauses


def test_target_groups_read_the_beneficiaries_themes_do_not():
    tags = tag("为科技型中小企业提供融资服务", None)
    assert "中小企业" in tags.target_groups and "企业创新主体" not in tags.themes


@pytest.mark.parametrize(
    "text, clauses",
    [
        ("加强引进；完善服务。", ["加强引进", "完善服务"]),
        ("科技、金融等部门，协同推进", ["科技、金融等部门", "协同推进"]),
        ("标题\n正文：一是", ["标题", "正文", "一是"]),
    ],
)
def test_clauses_end_at_commas_semicolons_stops_and_colons_never_at_list_marks(text, clauses):
    assert [text[s:e] for s, e in clause_spans(text)] == clauses


MINIMAL = {
    "themes": {"人才": ["人才"]},
    "industries": {"人工智能": ["人工智能"]},
    "instruments": {"供给型": {"人才支持": ["人才培养"]}},
    "target_groups": {"企业": ["企业"]},
    "evaluation_keywords": ["考核"],
}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"themes": {"人才": {"keywords": ["人才"], "not_when": ["人才("]}}}, "themes.人才.not_when: invalid pattern"),
        (
            {"themes": {"人才": {"keywords": ["人才"], "only_when": [{"keywords": ["引才"], "pattern": "引"}]}}},
            "not keywords of 人才",
        ),
        ({"themes": {"人才": {"keywords": ["人才"], "when": ["x"]}}}, "themes.人才: expected a keyword list"),
        ({"themes": {"人才": ["才"]}}, "needs at least two characters"),
        ({"themes": {"人才": {"not_when": ["x"]}}}, "themes.人才 has no keywords"),
        ({"ignore": ["[unclosed"]}, "ignore: invalid pattern"),
    ],
)
def test_a_broken_rule_is_refused_with_the_label_it_belongs_to(change, message):
    with pytest.raises(ReferenceDataError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_taxonomy({**MINIMAL, **change})


def test_the_plain_and_the_mapping_forms_give_the_same_rule():
    plain = parse_taxonomy(MINIMAL).labels[0]
    mapping = parse_taxonomy({**MINIMAL, "themes": {"人才": {"keywords": ["人才"]}}}).labels[0]
    assert plain == mapping and plain.label == "人才" and plain.dimension == "themes"


def _commented(lines: list[str], n: int) -> bool:
    """Whether the rule on line n has a comment above it (past its own keyword lines, before any other rule)."""
    for line in reversed(lines[:n]):
        stripped = line.strip()
        if stripped.startswith("#"):
            return True
        if stripped.startswith(("- '", "pattern: '")) or stripped.endswith(":"):
            return False
    return False


def test_every_rule_of_the_shipped_file_has_a_comment_saying_why():
    lines = tag_rules.TAXONOMY_YAML.read_text(encoding="utf-8").splitlines()
    rule_lines = [n for n, line in enumerate(lines) if line.lstrip().startswith(("- '", "pattern: '"))]
    assert rule_lines and not [lines[n].strip() for n in rule_lines if not _commented(lines, n)]


@pytest.mark.parametrize(
    "pattern, needs",
    [
        ("作出[^，]{0,6}贡献", [{"作出"}, {"贡献"}]),
        ("(?:部门|单位)", [{"部门", "单位"}]),
        ("以.{1,3}为(?:目标|[^，])", [{"以"}, {"为"}]),  # one alternative needs nothing: no need
        ("(?:甲、)+乙?等", [{"甲、"}, {"等"}]),
        ("(?=牵头|参与)x", [{"牵头", "参与"}, {"x"}]),
    ],
)
def test_a_pattern_is_tried_only_on_texts_holding_the_strings_it_needs(pattern, needs):
    import re

    assert [set(strings) for strings in tag_rules.gate(re.compile(pattern))] == needs


def test_skipping_patterns_never_changes_what_is_blanked(seed_tables):
    rules = tag_rules.taxonomy()
    patterns = rules.ignore + rules.ignore_except_industries
    for text in seed_tables["measures"].heading + "\n" + seed_tables["measures"].text:
        tried_everywhere = text
        for pattern in patterns:
            tried_everywhere = pattern.sub(lambda m: tag_rules.BLANK * len(m.group(0)), tried_everywhere)
        assert tag_rules.blank(text, patterns) == tried_everywhere
