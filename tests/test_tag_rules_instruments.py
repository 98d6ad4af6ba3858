"""Instrument sub-types (政策工具) from the clause that acts (#15): each rule of the `instruments:` section of
data/taxonomy.yaml on a short snippet written for it. A row reads: in this snippet, this sub-type does (or does
not) fire."""

from __future__ import annotations

import pytest

from lib.pipeline.tagging import tag

INSTRUMENT_RULES = [
    # a list of duties a body answers for is named in passing (ignore): no plan, no supervision set by it
    ("区科技局负责总体规划、日常管理、监督检查等工作", "环境型·目标规划", False),
    ("区科技局负责总体规划、日常管理、监督检查等工作", "环境型·法规管制", False),
    ("区科技局加强对专项资金使用的监督", "环境型·法规管制", True),
    # 目标规划: a masked target year sets a goal for the clause after it; 达到20… reports an amount reached
    ("到****年，新增**家中试平台", "环境型·目标规划", True),
    ("到****年底前完成", "环境型·目标规划", True),
    ("地方财政收入达到2150亿元", "环境型·目标规划", False),
    ("到2030年建成现代化产业体系", "环境型·目标规划", True),
    # 目标规划: carrying out a plan someone else set, however long its name, does not set one
    ("认真落实市政府关于支持新型研发机构高质量发展的若干措施和新型研发机构发展三年行动计划", "环境型·目标规划", False),
    # 公共服务: a field where something is applied, a legal form, a body's own capacity are not a service given
    ("在公共服务领域打造一批应用标杆", "供给型·公共服务", False),
    ("在政务服务领域开展智能问答应用", "供给型·公共服务", False),
    ("可以登记为社会服务机构", "供给型·公共服务", False),
    ("提升园区专业服务能力", "供给型·公共服务", False),
    ("众创空间应当提升专业化服务水平", "供给型·公共服务", False),
    ("推行政务服务一网通办", "供给型·公共服务", True),
    # 基础设施: a research or technology centre or a laboratory built is a facility supplied
    ("新建一批市级技术创新中心", "供给型·基础设施", True),
    ("支持企业建立重点实验室和工程研究中心", "供给型·基础设施", True),
    ("推进海洋装备创新中心建设", "供给型·基础设施", True),
    ("市科技局作为创新中心建设的牵头部门", "供给型·基础设施", False),
    ("建设具有全球影响力的科技创新中心", "供给型·基础设施", False),
    ("提升技术创新中心服务能力", "供给型·基础设施", False),
    # 法规管制: issuing an opinion document, drafting standards, protecting rights by law
    ("研究出台促进数据要素流通的实施意见", "环境型·法规管制", True),
    ("支持企业参与国家标准、行业标准的编制", "环境型·法规管制", True),
    ("牵头制修订团体标准", "环境型·法规管制", True),
    ("加快低空经济标准体系建设", "环境型·法规管制", True),
    ("以地方立法形式明确容错情形", "环境型·法规管制", True),
    ("依法保护外商投资企业知识产权", "环境型·法规管制", True),
    ("维护科研人员合法权益", "环境型·法规管制", True),
    ("坚持高标准建设产业园区", "环境型·法规管制", False),
    # an opinion document named across an ignored frame (以…为导向) is not read through the blank
    ("出台以质量为导向的若干意见", "环境型·法规管制", False),
    # 法规管制: a binding duty is a rule; a soft duty to promote, a grant by the rules, final provisions are not
    ("项目承担单位应当按期报送年度报告", "环境型·法规管制", True),
    ("区人民政府应当加强科学普及工作", "环境型·法规管制", False),
    ("县级人民政府应当引导社会资本投资建设孵化器", "环境型·法规管制", False),
    ("众创空间应当提升专业化服务水平", "环境型·法规管制", False),
    ("对获奖项目按照规定给予支持", "环境型·法规管制", False),
    ("本细则自2025年3月1日起施行", "环境型·法规管制", False),
    ("有效期届满而应当拨付的资金继续拨付", "环境型·法规管制", False),
    ("加快建设法治政府", "环境型·法规管制", False),
    ("打造市场化法治化国际化营商环境", "环境型·法规管制", False),
    ("区人民政府应当逐步提高财政科技投入水平", "环境型·法规管制", False),
    ("高等院校应当建立科技成果转化管理制度", "环境型·法规管制", True),
    ("坚持依法行政", "环境型·法规管制", False),
    # 公共服务: popularising science, data and information given are services to the public
    ("推动科普进社区、进校园", "供给型·公共服务", True),
    ("为中小企业提供高质量行业数据集", "供给型·公共服务", True),
    ("为企业提供贷款", "供给型·公共服务", False),
    # a role a body plays in areas (在…等方面…作用) names the areas, not what the measure does
    ("发挥实验室在共性技术攻关、人才培养等方面的支撑作用", "供给型·技术支持", False),
    ("组织开展共性技术攻关", "供给型·技术支持", True),
    # 资金投入: an award withdrawn, money not yet paid, what a project's own money may pay for are not grants
    ("撤销其奖励", "供给型·资金投入", False),
    ("奖励资金尚未支付的部分予以追回", "供给型·资金投入", False),
    ("差旅费可以从项目经费中列支", "供给型·资金投入", False),
    ("给予最高50万元奖励", "供给型·资金投入", True),
    # 政府采购: a kind of product is bought or promoted; an entry rule or an exception is not a purchase
    ("建立新技术新产品准入机制", "需求型·政府采购", False),
    ("加大新技术新产品推广力度", "需求型·政府采购", True),
    ("属政府采购的服务机构除外", "需求型·政府采购", False),
    # 服务外包: work commissioned from a third party, not a third party rewarded
    ("第三方服务机构每推荐一家企业给予奖励", "需求型·服务外包", False),
    ("聘请第三方开展绩效评价", "需求型·服务外包", True),
    # 资金投入: public money put in, or more of it for a field
    ("市级财政三年统筹投入20亿元", "供给型·资金投入", True),
    ("加大对基础研究的投入", "供给型·资金投入", True),
    ("企业加大研发投入", "供给型·资金投入", False),
    # 示范应用: use at scale; a bare 场景 only when scenarios are opened or built; 率先试点 is no first use
    ("推动北斗技术在交通行业规模化应用", "需求型·示范应用", True),
    ("向企业开放城市治理场景", "需求型·示范应用", True),
    ("面向特定工业场景开发工业APP", "需求型·示范应用", False),
    ("培育一批场景应用型企业", "需求型·示范应用", False),
    ("率先试点新型养老金融产品", "需求型·示范应用", False),
    # 基础设施: 网络化 is a way of working, not a network built
    ("建立网络化、扁平化的管理模式", "供给型·基础设施", False),
    ("建设千兆光纤网络", "供给型·基础设施", True),
    # 策略性措施: bodies made to act together, a yearly report owed, the parts of an assessment scheme
    ("推动市、区两级联动", "环境型·策略性措施", True),
    ("构建“投贷保”联动的融资服务体系", "环境型·策略性措施", False),
    ("高校每年向主管部门提交成果转化年度报告", "环境型·策略性措施", True),
    ("由牵头考核单位计算分值", "环境型·策略性措施", True),
    ("对通过评估考核的中心优先支持", "环境型·策略性措施", True),
    ("支持高校开展科技成果转化活动", "环境型·策略性措施", False),
    ("组织开展科技成果路演活动", "环境型·策略性措施", True),
    # 策略性措施: valuing assets is accounting, not an assessment of the work
    ("国有资产转让前进行资产评估", "环境型·策略性措施", False),
    ("每年对孵化器进行绩效评估", "环境型·策略性措施", True),
]


@pytest.mark.parametrize("text, label, fires", INSTRUMENT_RULES)
def test_an_instrument_fires_only_on_the_clause_that_acts(text, label, fires):
    assert (label in tag(text, None).instruments) is fires
