"""Permalinks and the 文件 catalogue in Debian's Chromium: a measure's or a target's link opens 原文 scrolled
to the item and highlighted; the catalogue sorts, filters and links to the reader, which lists what a document
cites and what cites it. Screenshots at 1600×1000 and 1366×768 land in test-artifacts/."""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from test_browser import ARTIFACTS, WAIT_MS, streamlit_server, wait_for_page, wait_for_run

from lib.build.cli import main as build_main
from lib.config import ROOT, SEEDS_DIR
from lib.query import permalinks

pytestmark = pytest.mark.browser
VIEWPORTS = [(1600, 1000), (1366, 768)]
# Two documents of our own besides the seeds: a municipal plan, and a district scheme that cites it.
CITED = """天津市概念验证中心建设行动方案
津科规〔2024〕3号
为加快科技成果转化，制定本方案。
一、主要任务
（一）建设概念验证中心。到2026年建成10家概念验证中心。（责任单位：市科技局）
（二）培育技术经理人队伍。（责任单位：市科技局、市人社局）
二、保障措施
（一）加强组织领导。（责任单位：市科技局）
天津市科学技术局
2024年3月1日
"""
CITING = """滨海新区概念验证中心建设实施方案
为贯彻落实《天津市概念验证中心建设行动方案》（津科规〔2024〕3号），制定本实施方案。
一、重点任务
（一）建设区级概念验证中心。到2026年建成3家。（责任单位：区科技局）
（二）完善成果转化服务。（责任单位：区科技局）
滨海新区人民政府
2024年6月1日
"""
# The reader scrolls once the page is drawn: the focused box is then inside the viewport.
FOCUS_IN_VIEW = """() => {
    const box = document.querySelector('.st-key-permalink-focus');
    if (!box) return false;
    const r = box.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
}"""


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> dict[str, str]:
    """The seeds and the two documents above, built into a folder of their own: the DASHBOARD_* env."""
    root = tmp_path_factory.mktemp("catalogue")
    seeds, out, manifest = root / "seeds", root / "build", root / "documents.yaml"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "cited.txt").write_text(CITED, encoding="utf-8")
    (seeds / "citing.txt").write_text(CITING, encoding="utf-8")
    shutil.copy(ROOT / "data" / "documents.yaml", manifest)
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) in (0, 3)
    return {
        "DASHBOARD_SEEDS_DIR": str(seeds),
        "DASHBOARD_BUILD_DIR": str(out),
        "DASHBOARD_MANIFEST": str(manifest),
        "DASHBOARD_AUDIT_LOG": str(root / "audit.jsonl"),
    }


def table(build: dict[str, str], name: str) -> pd.DataFrame:
    return pd.read_parquet(Path(build["DASHBOARD_BUILD_DIR"]) / f"{name}.parquet")


@pytest.fixture(scope="module")
def server(build):
    with streamlit_server(build) as url:
        yield url


def open_focus(browser, url: str, viewport: tuple[int, int]):
    """A new page at the permalink, once the focused item is drawn and scrolled into view."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(url, timeout=WAIT_MS)
    wait_for_page(page, "原文")
    page.wait_for_function(FOCUS_IN_VIEW, timeout=WAIT_MS)
    return page


def assert_focused_in_view(page, viewport: tuple[int, int], text: str) -> None:
    """The highlighted box holds `text`, is visible, lies inside the viewport and is styled as the focus."""
    focus = page.locator(".st-key-permalink-focus")
    assert focus.count() == 1 and focus.is_visible()
    assert text in focus.inner_text()
    box = focus.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= viewport[1]
    assert focus.evaluate("el => getComputedStyle(el).boxShadow") != "none"
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_a_measure_permalink_opens_the_reader_scrolled_to_it_and_highlighted(browser, server, build, viewport):
    measures, documents = table(build, "measures"), table(build, "documents")
    longest = measures.doc_id.value_counts().index[0]  # the 14th plan: ~100 items, many screens long
    row = measures[measures.doc_id == longest].iloc[-8]  # near its end
    page = open_focus(browser, server + permalinks.measure_url(row.measure_id), viewport)
    assert_focused_in_view(page, viewport, row.heading)
    assert f"{row.outline} {row.heading}" in page.locator(".st-key-permalink-focus").inner_text()  # its numbered path
    # The item is far down: the reader really scrolled (the document's title is out of view).
    title = documents.title[documents.doc_id == longest].iloc[0]
    heading = page.get_by_role("heading", name=title).first.bounding_box()
    assert heading is None or heading["y"] + heading["height"] < 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reader_permalink_{viewport[0]}x{viewport[1]}.png"))
    page.close()


def test_a_target_permalink_highlights_its_phrase_in_its_item(browser, server, build):
    targets, measures = table(build, "targets"), table(build, "measures")
    inside = targets[targets.measure_id.notna()].merge(measures[["measure_id", "ordinal", "heading"]], on="measure_id")
    target = inside.sort_values("ordinal").iloc[-1]  # the last item of its document holding a target
    page = open_focus(browser, server + permalinks.target_url(target.target_id), VIEWPORTS[0])
    assert_focused_in_view(page, VIEWPORTS[0], target.heading)
    assert target.raw in page.locator(".st-key-permalink-focus").inner_text()
    page.close()


def test_a_permalink_to_nothing_is_a_note_not_an_error(browser, server):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{server}/reader?m={urllib.parse.quote('<img src=x onerror=alert(1)>')}", timeout=WAIT_MS)
    wait_for_page(page, "原文")
    page.get_by_text("在数据中不存在").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("<img src=x onerror=alert(1)>", exact=False).count() >= 1  # shown as text
    assert page.locator("img[src='x']").count() == 0
    assert page.locator(".st-key-permalink-focus").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def first_row_link(context, page):
    """The URL the first row's 原文 link opens (a new tab): the link column follows the pinned title."""
    from lib.query.catalogue import LINK_WIDTH, TITLE_WIDTH

    frame = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    assert frame
    x, y = frame["x"] + TITLE_WIDTH + LINK_WIDTH / 2 - 10, frame["y"] + 35 + 17  # header 35 px, row 35 px
    page.mouse.move(x, y)  # a link cell opens on click once hovered
    page.wait_for_timeout(300)
    with context.expect_page(timeout=WAIT_MS) as opened:
        page.mouse.click(x, y)
    new = opened.value
    new.wait_for_load_state()
    return new


def test_the_catalogue_sorts_filters_and_links_to_the_reader_with_its_citations(browser, server, build):
    documents = table(build, "documents")
    cited = documents[documents.title == "天津市概念验证中心建设行动方案"].iloc[0]
    citing = documents[documents.title == "滨海新区概念验证中心建设实施方案"].iloc[0]
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(f"{server}/catalogue", timeout=WAIT_MS)
    wait_for_page(page, "文件")
    page.get_by_text(f"共 {len(documents)} / {len(documents)} 份文件").wait_for(timeout=WAIT_MS)

    # Sort: a click on 成文日期's header puts the oldest first (the 2018 document whose date is a year alone).
    from lib.query.catalogue import DATE_WIDTH, LINK_WIDTH, TITLE_WIDTH

    frame = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    assert frame
    page.mouse.click(frame["x"] + TITLE_WIDTH + LINK_WIDTH + DATE_WIDTH / 2, frame["y"] + 17)
    page.wait_for_timeout(500)
    oldest = documents.sort_values("issued_date").iloc[0]
    opened = first_row_link(context, page)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(opened.url).query) == {"read": [oldest.doc_id]}
    opened.close()

    # Filter: 文种 = 行动计划 leaves the plan the district scheme cites; its link opens it in the reader.
    page.locator("[data-testid='stMultiSelect']").filter(has_text="文种").click()
    page.get_by_role("option", name=cited.doc_type, exact=True).click()
    page.keyboard.press("Escape")
    wait_for_run(page)
    n = int((documents.doc_type == cited.doc_type).sum())
    page.get_by_text(f"共 {n} / {len(documents)} 份文件").wait_for(timeout=WAIT_MS)
    reader = first_row_link(context, page)
    assert reader.url.endswith(permalinks.document_url(cited.doc_id))
    wait_for_page(reader, "原文")
    reader.get_by_role("heading", name=cited.title).first.wait_for(timeout=WAIT_MS)
    reader.get_by_text("被引用（1）").wait_for(timeout=WAIT_MS)
    link = reader.get_by_role("link", name=f"《{citing.title}》")
    assert link.get_attribute("href") == permalinks.document_url(citing.doc_id)
    reader.get_by_text("本文引用（0）").wait_for(timeout=WAIT_MS)
    reader.close()

    # The citing scheme lists the plan it cites, linked.
    page.goto(server + permalinks.document_url(citing.doc_id), timeout=WAIT_MS)
    wait_for_page(page, "原文")
    page.get_by_text("本文引用（1）").wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "reader_citations.png"))
    assert page.get_by_role("link", name=f"《{cited.title}》").get_attribute("href") == permalinks.document_url(
        cited.doc_id
    )
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_catalogue_screenshots(browser, server, viewport):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(f"{server}/catalogue", timeout=WAIT_MS)
    wait_for_page(page, "文件")
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"catalogue_{viewport[0]}x{viewport[1]}.png"))
    page.close()
