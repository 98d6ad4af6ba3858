"""Measure kinds from section headings: a heading that names a task opens actionable items, one that names only a
goal holds context (data/kinds.yaml action_words)."""

from __future__ import annotations

import pytest

from lib.pipeline.structure import parse
from lib.pipeline.tagging import classify_kinds, section_kind


@pytest.mark.parametrize(
    "heading, kind",
    [
        ("二、2024年主要目标任务", "task"),
        ("二、发展目标和重点任务", "task"),
        ("三、总体要求和主要工作", "task"),
        ("今年重点做好以下工作：主要目标是", "task"),
        ("（二）主要预期目标", "context"),
        ("（一）发展目标", "context"),
        ("二、主要目标", "context"),
        ("一、指导思想", "context"),
        ("2024年政府工作任务", None),  # no kind of its own: its items are tasks by default
        ("五、保障措施", "safeguard"),
    ],
)
def test_a_heading_that_names_a_task_opens_actions_one_that_names_only_a_goal_stays_context(heading, kind):
    assert section_kind(heading) == kind


def test_a_work_reports_task_sections_are_tasks_and_its_goal_paragraph_stays_context():
    tree = parse(
        "一、2024年主要目标任务\n（一）主要预期目标\n地区生产总值增长5%左右。\n"
        "（二）全力推动协同发展，展现新作为\n深化区域合作。\n（三）全力促进科技创新\n建设创新平台。\n"
        "二、2024年政府工作任务\n（一）深化改革\n推进改革。"
    )
    assert classify_kinds(tree.leaves) == ["context", "task", "task", "task"]
