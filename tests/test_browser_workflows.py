"""Issue 19 in a browser: briefing mode for slides, the import page's preview, removal and undo, the district map's
inset, and tables on a laptop screen. Screenshots at 1600×1000 and 1366×768 land in test-artifacts/."""

from __future__ import annotations

import pytest
import test_browser
from test_browser import ARTIFACTS, WAIT_MS, streamlit_server, wait_for_page, wait_for_run  # noqa: F401

# The browser test's module fixtures, shared: one Chromium, one server, the seed tables built once.
browser, server, built_tables = test_browser.browser, test_browser.server, test_browser.built_tables

pytestmark = pytest.mark.browser
SCREENS = {"1600": {"width": 1600, "height": 1000}, "1366": {"width": 1366, "height": 768}}


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
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
