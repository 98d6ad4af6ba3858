"""Issue 19 in a browser: briefing mode for slides, the import page's preview, removal and undo, the district map's
inset, and tables on a laptop screen. Screenshots at 1600×1000 and 1366×768 land in test-artifacts/."""

from __future__ import annotations

import re
import shutil

import pytest
import test_browser
from test_browser import ARTIFACTS, WAIT_MS, streamlit_server, wait_for_page, wait_for_run

from lib.build.cli import main as build_main
from lib.config import ROOT

# The browser test's module fixtures, shared: one Chromium, one server, the seed tables built once.
server, built_tables = test_browser.server, test_browser.built_tables  # browser: tests/conftest.py

pytestmark = pytest.mark.browser
SCREENS = {"1600": {"width": 1600, "height": 1000}, "1366": {"width": 1366, "height": 768}}


def shoot(page, name: str, focus=None) -> None:
    """A screenshot of the viewport (Streamlit scrolls inside its own container), `focus` scrolled into view."""
    ARTIFACTS.mkdir(exist_ok=True)
    if focus is not None:
        focus.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def sidebar_shown(page) -> bool:
    return page.locator("[data-testid='stSidebar']").filter(visible=True).count() > 0


# The label texts of a chart's points that reach past its figure's edges (px of slack for anti-aliasing).
CLIPPED_LABELS = """plot => {
  const box = plot.getBoundingClientRect();
  return [...plot.querySelectorAll('g.textpoint text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
  }).map(t => t.textContent);
}"""


@pytest.mark.parametrize("screen", SCREENS)
def test_briefing_mode_keeps_the_navigation_drops_the_sidebar_and_survives_a_page_switch(screen, browser, server):
    page = browser.new_page(viewport=SCREENS[screen])
    page.goto(f"{server}/?brief=1", timeout=WAIT_MS)
    wait_for_page(page, "总览")
    shoot(page, f"briefing_on_overview_{screen}")
    assert not sidebar_shown(page), "no sidebar column in a briefing screenshot"
    timeline = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first
    assert timeline.evaluate(CLIPPED_LABELS) == []
    # Every chart of the page is as wide as the page's content (columns stack in briefing mode).
    widths = page.locator("[data-testid='stPlotlyChart']").evaluate_all("els => els.map(e => e.clientWidth)")
    assert len(widths) == 3 and max(widths) - min(widths) <= 2
    # The camera button saves a 16:9 slide-sized image, whatever the chart's width on screen.
    options = timeline.evaluate("plot => plot._context.toImageButtonOptions")
    assert (options["width"] * options["scale"], options["height"] * options["scale"]) == (1920, 1080)

    page.get_by_role("link", name="区域").click()  # the navigation is there, no need to leave briefing mode
    wait_for_page(page, "区域")
    assert "brief=1" in page.url and not sidebar_shown(page)
    assert page.get_by_role("switch", name="简报模式").is_checked()
    shoot(page, f"briefing_on_districts_{screen}")

    page.get_by_text("简报模式").click()  # off: the filters come back, on the same page
    page.locator("[data-testid='stSidebar']").wait_for(timeout=WAIT_MS)
    wait_for_run(page)
    assert "brief=1" not in page.url and page.get_by_role("heading", name="区域", exact=True).count() == 1
    shoot(page, f"briefing_off_districts_{screen}")
    page.close()


@pytest.fixture()
def private_store(tmp_path):
    """A server over a private copy of seeds/, manifest and build folder (imports never touch the repository)."""
    seeds, out, manifest = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copy(ROOT / "data" / "documents.yaml", manifest)
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) == 0
    env = {"DASHBOARD_SEEDS_DIR": str(seeds), "DASHBOARD_BUILD_DIR": str(out), "DASHBOARD_MANIFEST": str(manifest)}
    with streamlit_server(env) as url:
        yield url, seeds, manifest


def test_the_import_preview_lists_targets_and_a_removal_is_confirmed_then_undone(browser, private_store):
    url, seeds, manifest = private_store
    page = browser.new_page(viewport=SCREENS["1600"])
    page.goto(f"{url}/import", timeout=WAIT_MS)
    wait_for_page(page, "导入文档")
    page.locator("input[type=file]").set_input_files(
        str(ROOT / "tests" / "fixtures" / "docs" / "docx_action_plan.docx")
    )
    page.get_by_role("button", name="确认导入").wait_for(timeout=WAIT_MS)
    wait_for_run(page)
    # The targets themselves, not a count: the first tab's table has their columns and one row per target.
    assert page.get_by_role("tab", name="目标与参数（16）").get_attribute("aria-selected") == "true"
    targets = page.get_by_role("tabpanel").locator("[data-testid='stDataFrame']").first
    shoot(page, "import_preview_1600", targets)
    targets.locator("[role=columnheader]").first.wait_for(state="attached", timeout=WAIT_MS)  # drawn when in view
    assert targets.locator("[role=columnheader]").all_inner_texts() == ["类型", "指标", "数值", "单位", "年份", "原句"]
    assert (
        targets.locator("[role=gridcell]").all_inner_texts()[1] == "人工智能核心产业规模"
    )  # the first target's indicator
    assert page.get_by_role("tab", name=re.compile(r"责任机构（\d+）")).count() == 1
    page.set_viewport_size(SCREENS["1366"])
    shoot(page, "import_preview_1366", targets)
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已导入：docx_action_plan.docx").wait_for(timeout=WAIT_MS)

    title = "滨海新区人工智能产业创新行动计划（2023—2025年）"
    listed = page.locator("[data-testid='stVerticalBlockBorderWrapper'], [data-testid='stVerticalBlock']").filter(
        has_text=title
    )
    listed.first.wait_for(timeout=WAIT_MS)  # the list names the document by its title, not its file name
    page.get_by_role("button", name="删除", exact=True).click()
    page.get_by_role("button", name="确认删除").wait_for(timeout=WAIT_MS)  # one click removes nothing
    assert (seeds / "docx_action_plan.docx").exists()
    shoot(page, "import_confirm_removal_1366", page.get_by_role("button", name="确认删除"))
    page.get_by_role("button", name="确认删除").click()
    page.get_by_role("button", name="撤销删除").wait_for(timeout=WAIT_MS)
    wait_for_run(page)
    assert not (seeds / "docx_action_plan.docx").exists() and "docx_action_plan.docx" not in manifest.read_text(
        encoding="utf-8"
    )
    assert page.get_by_role("button", name="删除", exact=True).count() == 0
    shoot(page, "import_removed_1366", page.get_by_role("button", name="撤销删除"))
    page.get_by_role("button", name="撤销删除").click()
    page.get_by_role("button", name="删除", exact=True).wait_for(timeout=WAIT_MS)  # back in the list
    wait_for_run(page)
    assert (seeds / "docx_action_plan.docx").exists() and "docx_action_plan.docx" in manifest.read_text(
        encoding="utf-8"
    )
    page.set_viewport_size(SCREENS["1600"])
    shoot(page, "import_restored_1600", page.get_by_role("button", name="删除", exact=True))
    page.close()


# Where a district's interior point is on the page: the map subplot's MapLibre map projects it.
DISTRICT_ON_SCREEN = """(plot, [subplot, lon, lat]) => {
  const map = plot._fullLayout[subplot]._subplot.map;
  const box = map.getContainer().getBoundingClientRect(), point = map.project([lon, lat]);
  return [box.left + point.x, box.top + point.y];
}"""


@pytest.mark.parametrize("screen", SCREENS)
def test_a_click_on_a_central_district_in_the_inset_filters_and_outlines_it(screen, browser, server):
    from lib.query.geo import label_points

    page = browser.new_page(viewport=SCREENS[screen])
    page.goto(f"{server}/districts", timeout=WAIT_MS)
    wait_for_page(page, "区域")
    plot = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullLayout.map2._subplot.map.loaded()", timeout=WAIT_MS
    )
    shoot(page, f"districts_{screen}", plot)
    lon, lat = label_points()["红桥区"]  # 红桥区: a few pixels wide on the whole map
    x, y = plot.evaluate(DISTRICT_ON_SCREEN, ["map2", lon, lat])
    page.mouse.click(x, y)
    page.wait_for_function("() => decodeURIComponent(location.search).includes('红桥区')", timeout=WAIT_MS)
    page.get_by_role("button", name="✕ 区域：红桥区").wait_for(timeout=WAIT_MS)
    wait_for_run(page)
    plot = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first
    outlined = plot.evaluate(
        "plot => plot.data.filter(t => t.name === '已筛选').map(t => [t.subplot, [...t.locations]])"
    )
    assert sorted(outlined) == [["map", ["红桥区"]], ["map2", ["红桥区"]]]
    plot.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # MapLibre draws a moment after the figure arrives
    shoot(page, f"districts_filtered_{screen}", plot)
    page.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("path, title", [("targets", "目标"), ("districts?d=北辰区", "区域"), ("agencies", "部门任务")])
def test_tables_fit_a_laptop_screen_with_the_link_column_in_view(path, title, screen, browser, server):
    page = browser.new_page(viewport=SCREENS[screen])
    page.goto(f"{server}/{path}", timeout=WAIT_MS)
    wait_for_page(page, title)
    table = page.locator("[data-testid='stDataFrame']").first
    table.scroll_into_view_if_needed()
    wait_for_run(page)
    shoot(page, f"table_{path.split('?')[0]}_{screen}", table)
    scroller = table.locator(".dvn-scroller").first
    scroll_width, client_width = scroller.evaluate("s => [s.scrollWidth, s.clientWidth]")
    assert scroll_width <= client_width + 1, "no sideways scrolling"
    box = table.bounding_box()
    assert box["x"] + box["width"] <= SCREENS[screen]["width"]  # the whole table is on screen
    if path == "targets":  # and the link to the sentence is its first column, pinned
        table.locator("[role=columnheader]").first.wait_for(state="attached", timeout=WAIT_MS)  # drawn when in view
        assert table.locator("[role=columnheader]").all_inner_texts()[0] == "原文"
    page.close()
