"""Stage 5: quantities → targets, parameters, baselines and dated goals."""

from __future__ import annotations

import pytest

from lib.pipeline import targets
from lib.pipeline.document import process_document
from lib.pipeline.targets import chinese_number, extract, mask_magnitude, review_opening


def one(text: str, year: int = 2018):
    rows = extract(text, year)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    "text, kind, comparator, low, high, unit, year",
    [
        ("到2022年，全社会研发投入强度力争达到3.2%以上。", "target", ">=", 3.2, 3.2, "%", 2022),
        ("到2022年，全区有效发明专利达到3500件。", "target", "=", 3500, 3500, "件", 2022),
        ("2018年启动建设1—2家综合性技术创新中心。", "target", "range", 1, 2, "家", 2018),
        ("至2020年，全市布局建设3-5家综合性技术创新中心。", "target", "range", 3, 5, "家", 2020),
        ("安排不高于项目总投资30%的财政补助资金。", "parameter", "<=", 30, 30, "%", None),
        ("给予一次性30万元市财政资金奖励。", "parameter", "=", 30, 30, "万元", None),
        ("连续支持3年。", "parameter", "=", 3, 3, "年", None),
        ("以三年为一个周期，给予支持。", "parameter", "=", 3, 3, "年", None),  # a duration without any digit
        ("选拔培养千名优秀青年科技人才。", "target", "=", 1000, 1000, "名", None),
        ("科技型中小企业达到1.5万家。", "target", "=", 1.5, 1.5, "万家", None),
        ("战略性新兴产业规模突破2万亿元。", "target", ">=", 2, 2, "万亿元", None),
    ],
)
def test_quantities(text, kind, comparator, low, high, unit, year):
    t = one(text)
    assert (t.kind, t.comparator, t.value_low, t.value_high, t.unit, t.target_year) == (
        kind,
        comparator,
        low,
        high,
        unit,
        year,
    )


def test_past_facts_are_baselines():
    t = one("2020年本市位列“世界区域创新集群百强榜”第56位。", year=2021)
    assert (t.kind, t.value_low, t.unit, t.target_year, t.indicator) == (
        "baseline",
        56,
        "位",
        2020,
        "世界区域创新集群百强榜",
    )


def test_compound_phrases_split_into_rows_with_their_names():
    rows = extract("“雏鹰”企业、“瞪羚”企业、科技领军企业分别达到280家、30家和25家。", 2021)
    assert [(r.indicator, r.value_low) for r in rows] == [("雏鹰企业", 280), ("瞪羚企业", 30), ("科技领军企业", 25)]


def test_masked_digits_are_kept_masked_and_never_guessed():
    t = one("到****年，技术合同成交额突破****亿元。", 2025)
    assert t.masked and t.mask == "****" and t.value_low is None and t.year_masked and t.target_year is None
    assert one("不低于**%。").comparator == ">="


def test_dated_goal_without_a_number_is_a_qualitative_goal():
    t = one("到2025年，创新驱动高质量发展取得显著成效。")
    assert t.kind == "qualitative_goal" and t.target_year == 2025 and t.value_low is None


@pytest.mark.parametrize(
    "text",
    ["坚持“四个面向”，落实“三个着力”要求。", "依据国科发创〔2017〕353号。", "第十一次党代会。", "形成一批成果。"],
)
def test_slogans_ordinals_and_document_numbers_are_not_quantities(text):
    assert extract(text, 2021) == []


@pytest.mark.parametrize("text, value", [("千", 1000), ("三百", 300), ("十二", 12), ("1.5", 1.5), ("**", None)])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


def test_mask_magnitude_says_what_the_width_allows():
    assert mask_magnitude("***") == "3位数（100–999）" and mask_magnitude("*.*") == "1位整数、1位小数"


@pytest.mark.parametrize(
    "text, value",
    [
        ("十万", 100000),
        ("三千万", 30000000),
        ("千", 1000),
        ("二〇三五", 2035),
        ("七十", 70),
        ("十二", 12),
        ("****", None),
    ],
)
def test_one_chinese_number_is_read_whole(text, value):
    assert targets.chinese_number(text) == value


@pytest.mark.parametrize("text", ["以一个周期推进，坚持三个着力。", "建成每秒100亿次超级计算机。"])
def test_numbers_inside_words_are_not_read_as_quantities(text):
    assert targets.extract(text, 2024) == []


@pytest.mark.parametrize(
    "text, low, high, comparator",
    [
        ("提取不低于百分之七十的比例", 70, 70, ">="),
        ("达到百分之三至百分之六的", 3, 6, "range"),
    ],
)
def test_percentages_written_in_words(text, low, high, comparator):
    (row,) = targets.extract(text, 2024)
    assert (row.value_low, row.value_high, row.unit, row.comparator) == (low, high, "%", comparator)


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("实现标识注册总量突破5亿", 5, "亿"),
        ("建成50万平方米孵化载体", 50, "万平方米"),
        ("服务150户企业", 150, "户"),
        ("提供不少于2000卡时的算力", 2000, "卡时"),
        ("粮食产量1285万吨", 1285, "万吨"),
        ("开展培训超5万人次", 5, "万人次"),
    ],
)
def test_any_measure_noun_is_a_unit(text, value, unit):
    assert [(r.value_low, r.unit) for r in targets.extract(text, 2024)] == [(value, unit)]


@pytest.mark.parametrize(
    "text, comparator",
    [
        ("培育企业超100家", ">="),
        ("总量突破100家", ">="),
        ("超过100家", ">="),
        ("不超过100家", "<="),
    ],
)
def test_chao_and_tupo_are_at_least(text, comparator):
    assert targets.extract(text, 2024)[0].comparator == comparator


@pytest.mark.parametrize(
    "text, increment",
    [
        ("新增高新技术企业1000家", True),
        ("新建800个智能工厂", True),
        ("高新技术企业达到1000家", False),
    ],
)
def test_increment_marks_what_is_added(text, increment):
    assert targets.extract(text, 2024)[0].increment is increment


@pytest.mark.parametrize("text, value", [("在三年内无正当理由未实施的", 3), ("自记入之日起五年内不得申报", 5)])
def test_time_limits_of_a_rule_are_parameters_in_years(text, value):
    (row,) = targets.extract(text, 2024)
    assert (row.kind, row.value_low, row.unit, row.comparator) == ("parameter", value, "年", "<=")


def test_an_indicator_drops_the_comparator_word():
    assert targets.extract("培育OPC企业超100家", 2024)[0].indicator == "OPC企业"


@pytest.mark.parametrize(
    "text, comparator, share",
    [
        ("将三分之一的资金投向基础研究", "=", 100 / 3),
        ("占全国三分之二以上", ">=", 200 / 3),
        ("持续将1/3以上的专项资金投向基础研究", ">=", 100 / 3),
        ("品种占全国超1/4", ">=", 25),
        ("不超过十分之一", "<=", 10),
    ],
)
def test_fractions_are_shares_in_percent(text, comparator, share):
    (row,) = targets.extract(text, 2024)
    assert (row.unit, row.comparator) == ("%", comparator)
    assert row.value_low == pytest.approx(share) and row.value_high == pytest.approx(share)


@pytest.mark.parametrize("text", ["于2024/1/3发布", "百分之七十"])
def test_dates_and_word_percentages_are_not_fractions(text):
    assert all(r.value_low != pytest.approx(100 / 3) for r in targets.extract(text, 2024))
    assert len(targets.extract(text, 2024)) == (1 if "百分之" in text else 0)


@pytest.mark.parametrize(
    "text",
    [
        "处五万元以上十万元以下罚款",
        "可以处十万元以下的罚款",
        "没收违法所得，并处违法所得一倍以上五倍以下罚款",
        "逾期未缴的，按日加收百分之三的滞纳金",
    ],
)
def test_fines_and_penalties_are_not_targets(text):
    assert targets.extract(text, 2024) == []


def test_a_fine_leaves_the_other_clauses_of_its_sentence_alone():
    (row,) = targets.extract("违者处一万元以下罚款；对项目给予一次性30万元奖励", 2024)
    assert (row.kind, row.value_low, row.unit) == ("parameter", 30, "万元")


@pytest.mark.parametrize(
    "text, indicator, value, unit",
    [
        ("到2025年，每万人口高价值发明专利拥有量达到15件。", "每万人口高价值发明专利拥有量", 15, "件"),
        ("每千人口执业医师数达到3.2人", "每千人口执业医师数", 3.2, "人"),
    ],
)
def test_the_base_of_a_rate_is_not_a_second_quantity(text, indicator, value, unit):
    (row,) = targets.extract(text, 2024)
    assert (row.indicator, row.value_low, row.unit) == (indicator, value, unit)


@pytest.mark.parametrize(
    "text, periodic",
    [
        ("每年新增甲企业100家、乙企业50家、丙企业30家、丁企业20家", [True, True, True, True]),
        ("每年举办活动，支持10个项目", [True]),
        ("每年支持10个项目，到2025年累计达到100个", [True, False]),
        ("每年新增甲企业100家，乙企业50家，丙企业30家，丁企业20家，戊企业10家", [True, True, True, False, False]),
    ],
)
def test_every_year_holds_for_each_target_of_its_list(text, periodic):
    assert [r.periodicity == "每年" for r in targets.extract(text, 2024)] == periodic


@pytest.mark.parametrize(
    "text, increments",
    [
        ("新增甲企业100家、乙企业50家、丙企业30家、丁企业20家", [True, True, True, True]),
        ("新增上市企业41家、总量达1198家", [True, False]),
        ("新增就业岗位，建设100个基地", [False]),
        ("新增企业100家、增长20%", [True, False]),
        ("工业增加值增长5%", [False]),
    ],
)
def test_an_increment_verb_holds_for_its_list(text, increments):
    assert [r.increment for r in targets.extract(text, 2024)] == increments


@pytest.mark.parametrize(
    "text, years",
    [
        ("到2023年，主要目标是：\n——高新技术企业达到1000家；\n——技术合同成交额突破100亿元。", [2023, 2023]),
        ("到2023年，\n——甲企业达到5家。\n到2025年：\n——乙企业达到8家。", [2023, 2025]),
        ("——甲企业达到5家。\n到2023年，主要目标是：\n——乙企业达到8家。", [None, 2023]),
        ("到2023年，全市研发投入达到3%。\n——乙企业达到5家。", [2023, None]),  # a goal, not an opening
    ],
)
def test_a_goal_opening_gives_its_year_to_the_bullets_after_it(text, years):
    rows = targets.extract(text, 2022)
    assert [r.target_year for r in rows] == years and all(r.kind == "target" for r in rows)
    assert all(not r.indicator.startswith("—") for r in rows)


@pytest.mark.parametrize(
    "text, opening",
    [
        ("总体目标\n到2023年，主要目标是：", (2023, False)),
        ("到****年：", (None, True)),
        ("到2023年，全市研发投入达到3%。", None),  # a goal of its own, not an opening
        ("到2023年，主要目标是：\n加快建设创新平台。", None),  # the opening is not what the text ends with
    ],
)
def test_goal_opening_is_read_only_at_the_end_of_a_parent_text(text, opening):
    assert targets.goal_opening(text) == opening


def test_a_parent_goal_opening_gives_its_year_to_its_bullet_measures():
    text = (
        "关于推进科技创新的实施意见\n一、总体目标\n到2023年，主要目标是：\n——高新技术企业达到1000家；\n"
        "——技术合同成交额突破100亿元。\n二、重点任务\n（一）培育企业。新增企业100家。\n"
    )
    rows = process_document("意见.txt", text.encode(), None).targets
    assert [(r["value_low"], r["target_year"]) for r in rows] == [(1000, 2023), (100, 2023), (100, None)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("研发投入占比超过三成。", [(">=", 30.0, "%")]),
        ("七成以上企业开展研发活动。", [(">=", 70.0, "%")]),
        ("不良率控制在千分之五以内。", [("<=", 0.5, "%")]),
        ("建成一批平台，形成成果，一成不变，成为标杆。", []),  # 成 of words, not tenths
    ],
)
def test_tenths_and_per_mille_are_shares_in_percent(text, expected):
    assert [(t.comparator, t.value_low, t.unit) for t in extract(text, 2024)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("过去一年，高新技术企业突破1.1万家。全市研发投入增长8%。", [("baseline", 2023), ("baseline", 2023)]),
        ("全市地区生产总值比上年增长4.3%。", [("baseline", 2023)]),
        ("过去一年，企业突破1.1万家。今年新增企业1000家。", [("baseline", 2023), ("target", None)]),
        ("力争研发投入比上年增长10%以上。", [("target", None)]),  # a goal compared with last year is a goal
        ("地区生产总值增长5%左右。", [("target", None)]),
    ],
)
def test_a_reports_past_figures_are_baselines(text, expected):
    assert [(t.kind, t.target_year) for t in extract(text, 2024)] == expected


@pytest.mark.parametrize(
    "headings, opening",
    [
        (("2023年工作回顾",), (2023, False)),
        (("过去一年工作回顾", "经济运行"), (2023, False)),
        (("2024年主要任务",), None),
    ],
)
def test_a_review_section_gives_its_year_to_the_figures_under_it(headings, opening):
    assert review_opening(headings, 2024) == opening


def test_a_goal_opening_inside_a_clause_dates_only_the_numbers_after_it():
    rows = extract("今年新增企业100家，到2027年企业总数达到500家。", 2024)
    assert [(t.value_low, t.target_year) for t in rows] == [(100.0, None), (500.0, 2027)]


def test_a_support_rule_about_last_years_investment_stays_a_parameter():
    rows = extract("对其上一年度完成投资1000万元以上的企业，同比新增部分给予最高500万元奖补。", 2024)
    assert {t.kind for t in rows} == {"parameter"}
