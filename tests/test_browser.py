"""What only a browser shows: deep links on a fresh server, filters from the UI and from the URL,
a click on a chart, downloads — in Debian's headless Chromium driven by Playwright.
Screenshots of every page land in test-artifacts/."""

from __future__ import annotations

import ast
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pandas as pd
import pytest

from lib.build.cli import main as build_main
from lib.config import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
PAGES = {
    "": "总览",
    "themes": "主题",
    "agencies": "部门任务",
    "districts": "区域",
    "targets": "目标",
    "evolution": "政策演进",
    "benchmark": "对标",
    "catalogue": "文件",
    "reader": "原文",
    "tables": "数据与导出",
    "review": "审核",
    "import": "导入文档",
}
WAIT_MS = 60_000


@pytest.fixture(scope="module", autouse=True)
def built_tables():
    assert build_main(["--if-stale"]) in (0, 3)


@contextmanager
def streamlit_server(env: dict | None = None, cwd=ROOT):
    """A fresh server process: nothing has run st.navigation yet (cwd: where it finds .streamlit/secrets.toml)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "server.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
        ],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


# Streamlit's app root says whether a script run is going on (the attribute its own e2e tests wait on).
RUN_FINISHED = (
    "() => document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")"
    " && !document.querySelector(\"[data-testid='stSkeleton']\")"
)


def wait_for_run(page) -> None:
    """The script run has finished and every element it sent is drawn (no skeletons)."""
    page.wait_for_function(RUN_FINISHED, timeout=WAIT_MS)


def wait_for_page(page, title: str) -> None:
    """The title is there and the script run has finished."""
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=WAIT_MS)
    wait_for_run(page)


def metric_value(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p or "overview")
def test_every_page_opens_by_its_url_on_a_fresh_server(path, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server() as url:
        # Tall viewport: Streamlit scrolls inside its own container, so a screenshot shows one viewport.
        page = browser.new_page(viewport={"width": 1500, "height": 2400})
        page.goto(f"{url}/{path}", timeout=WAIT_MS)
        wait_for_page(page, PAGES[path])
        page.screenshot(path=str(ARTIFACTS / f"{path or 'overview'}.png"), full_page=True)
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator("[data-testid='stSidebar']").count() == 1, "the shared filters must be there"
        assert page.locator("[data-testid='stException']").count() == 0
        page.close()


def test_a_filter_given_in_the_url_applies(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{server}/?d={urllib.parse.quote('北辰区')}", timeout=WAIT_MS)
    wait_for_page(page, "总览")
    assert metric_value(page, "文件") == "2"
    page.close()


def test_a_filter_set_in_the_sidebar_applies_and_lands_in_the_url(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(server, timeout=WAIT_MS)
    wait_for_page(page, "总览")
    assert metric_value(page, "文件") == "5"
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text="区域").click()
    page.get_by_role("option", name="北辰区").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('北辰区')", timeout=WAIT_MS)
    wait_for_run(page)
    assert metric_value(page, "文件") == "2"
    page.close()


def test_a_click_on_a_chart_filters_the_page(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(server, timeout=WAIT_MS)
    wait_for_page(page, "总览")
    chart = page.locator("[data-testid='stPlotlyChart']").nth(1)  # 措施最多的主题
    chart.scroll_into_view_if_needed()
    bar = chart.locator("g.point path").last  # the top bar: the most frequent theme
    bar.click(force=True)
    page.wait_for_function("() => new URLSearchParams(location.search).has('th')", timeout=WAIT_MS)
    theme = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["th"][0]
    page.get_by_role("button", name=f"✕ 主题：{theme}").wait_for(timeout=WAIT_MS)  # the chip, drawn in that run
    page.close()


@pytest.mark.parametrize(
    "label, reader",
    [
        ("CSV：措施", lambda raw: pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")),
        ("Excel：措施与目标", lambda raw: pd.read_excel(io.BytesIO(raw), sheet_name="措施")),
        ("Excel：措施与目标", lambda raw: pd.read_excel(io.BytesIO(raw), sheet_name="文件")),
    ],
)
def test_an_export_downloads_and_opens_with_pandas(label, reader, browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page.goto(f"{server}/tables", timeout=WAIT_MS)
    wait_for_page(page, "数据与导出")
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name=label).click()
    path = download.value.path()
    frame = reader(path.read_bytes())
    if "文件标题" in frame.columns:  # the 文件 sheet: the view's documents, the same count as the page's
        assert len(frame) == int(metric_value(page, "文件").replace(",", "")) and frame["文件标题"].notna().all()
    else:  # measures, each naming its document by title
        assert len(frame) == int(metric_value(page, "措施").replace(",", "")) and frame["所属文件"].notna().all()
    page.close()


def test_the_data_page_draws_a_table_when_its_tab_is_clicked_and_the_report_when_opened(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{server}/tables", timeout=WAIT_MS)
    wait_for_page(page, "数据与导出")
    tables = page.locator("[data-testid='stDataFrame']")
    assert tables.count() == 1  # the measures; the other tabs are drawn when chosen
    page.get_by_role("tab", name="机构").click()
    page.get_by_role("tabpanel").locator("[data-testid='stDataFrame']").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_role("tab", name="机构").get_attribute("aria-selected") == "true"
    page.get_by_text("构建报告（每个输入文件的状态与提示）").click()
    page.get_by_text("流水线版本").first.wait_for(timeout=WAIT_MS)
    tables.nth(1).wait_for(timeout=WAIT_MS)  # the report's table, drawn a moment after its caption
    wait_for_run(page)
    assert tables.count() == 2
    page.close()


def test_an_uploaded_document_is_confirmed_and_counted_on_the_overview(browser, tmp_path):
    seeds, out, manifest = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copy(ROOT / "data" / "documents.yaml", manifest)
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) == 0
    env = {"DASHBOARD_SEEDS_DIR": str(seeds), "DASHBOARD_BUILD_DIR": str(out), "DASHBOARD_MANIFEST": str(manifest)}
    with streamlit_server(env) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{url}/import", timeout=WAIT_MS)
        wait_for_page(page, "导入文档")
        page.locator("input[type=file]").set_input_files(
            str(ROOT / "tests" / "fixtures" / "docs" / "docx_action_plan.docx")
        )
        page.get_by_role("button", name="确认导入").wait_for(timeout=WAIT_MS)
        page.screenshot(path=str(ARTIFACTS / "import_preview.png"), full_page=True)
        page.get_by_role("button", name="确认导入").click()
        page.get_by_text("已导入：docx_action_plan.docx").wait_for(timeout=WAIT_MS)
        page.goto(url, timeout=WAIT_MS)
        wait_for_page(page, "总览")
        assert metric_value(page, "文件") == "6"
        page.close()
    assert (seeds / "docx_action_plan.docx").exists() and "docx_action_plan.docx" in manifest.read_text(
        encoding="utf-8"
    )


PLAN_2026 = """天津市科技局关于印发天津市概念验证中心提质增效行动方案的通知
津科成〔2026〕12号
各有关单位：现将《天津市概念验证中心提质增效行动方案》印发给你们，请认真贯彻落实。
天津市科学技术局
2026年6月8日
天津市概念验证中心提质增效行动方案
一、总体目标
到2027年，全市概念验证中心达到60家。
二、重点任务
（一）建设一批高校概念验证中心。支持高校院所建设概念验证中心。（责任单位：市科技局、市教委）
（二）完善概念验证服务体系。培育专业化技术经理人队伍。（责任单位：市科技局）
"""


def _menus() -> dict[str, str]:
    """Page title → the navigation menu holding it (dashboard.NAV_MENUS, read without running the app)."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "NAV_MENUS")
    return {title: menu for menu, titles in ast.literal_eval(node.value).items() for title in titles}


def navigate(page, title: str) -> None:
    """Go to a page within the session, as an official does: its link in the top navigation, or in the menu
    that holds it."""
    menu = _menus().get(title)
    if menu:
        page.locator("[data-testid='stTopNavSection']", has_text=menu).click()
        page.get_by_role("menuitem", name=title).click()
    else:
        page.get_by_role("link", name=title).click()


def test_every_page_is_in_the_navigation_at_a_laptops_width(browser):
    """Twelve pages do not fit one row at 1366 px: Streamlit would fold the last into an English "N more"
    menu. Every page is reachable from the top navigation or one of its named menus."""
    with streamlit_server() as url:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(url, timeout=WAIT_MS)
        wait_for_page(page, "总览")
        header = page.locator("header")
        assert not header.get_by_text("more", exact=False).count()
        for path, title in PAGES.items():
            navigate(page, title)
            wait_for_page(page, title)
            assert page.url.rstrip("/").endswith(path)
        page.close()


def test_a_document_of_a_new_year_is_counted_in_the_same_session(browser, tmp_path):
    """An official opens the overview (the year slider then ends at the seeds' last year, 2025), imports this
    year's plan and goes back: it is counted and on the timeline, without touching the slider."""
    seeds, out, manifest = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copy(ROOT / "data" / "documents.yaml", manifest)
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) == 0
    upload = tmp_path / "概念验证行动方案2026.txt"
    upload.write_text(PLAN_2026, encoding="utf-8")
    env = {"DASHBOARD_SEEDS_DIR": str(seeds), "DASHBOARD_BUILD_DIR": str(out), "DASHBOARD_MANIFEST": str(manifest)}
    with streamlit_server(env) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url, timeout=WAIT_MS)
        wait_for_page(page, "总览")
        assert metric_value(page, "文件") == "5"
        navigate(page, "导入文档")  # the same session: no reload
        wait_for_page(page, "导入文档")
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_role("button", name="确认导入").click(timeout=WAIT_MS)
        page.get_by_text(f"已导入：{upload.name}").wait_for(timeout=WAIT_MS)
        navigate(page, "总览")
        wait_for_page(page, "总览")
        assert metric_value(page, "文件") == "6" and metric_value(page, "年份") == "2018–26"
        timeline = page.locator("[data-testid='stPlotlyChart']").first
        timeline.get_by_text("概念验证中心提质增效", exact=False).first.wait_for(timeout=WAIT_MS)  # the point's label
        x_range = timeline.locator(".js-plotly-plot").evaluate("plot => plot.layout.xaxis.range")
        assert x_range[1] >= "2026-12-31"  # the axis was fixed to end in mid-2026
        page.screenshot(path=str(ARTIFACTS / "overview_2026.png"), full_page=True)
        page.close()


def test_benchmark_sets_tianjin_against_another_city_side_by_side(browser, tmp_path):
    """A Tianjin seed and a Wuhan notice written here, built together: 对标 shows both sides' sizes and the
    charts of shares, at a laptop's and a wide screen's size (screenshots looked at by hand)."""
    from test_benchmark import wuhan_document

    seeds, out, manifest = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml"
    seeds.mkdir()
    shutil.copy(ROOT / "seeds" / "003_e4c543bcaf73ff4c.txt", seeds)  # the 2025 scheme: Tianjin, 27 measures
    (seeds / "wuhan.txt").write_text(wuhan_document(12), encoding="utf-8")
    manifest.write_text("", encoding="utf-8")
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) == 0
    env = {"DASHBOARD_SEEDS_DIR": str(seeds), "DASHBOARD_BUILD_DIR": str(out), "DASHBOARD_MANIFEST": str(manifest)}
    with streamlit_server(env) as url:
        for width, height in ((1600, 1000), (1366, 768)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}/benchmark", timeout=WAIT_MS)
            wait_for_page(page, "对标")
            main = page.locator("[data-testid='stMain']")
            main.get_by_text("天津市：1 份文件", exact=False).wait_for(timeout=WAIT_MS)
            assert main.get_by_text("武汉市：1 份文件、12 条措施", exact=False).count() == 1
            assert [m.inner_text() for m in page.locator("[data-testid='stMetricValue']").all()][4:6] == ["1", "12"]
            charts = page.locator("[data-testid='stPlotlyChart']")
            assert charts.count() >= 5
            charts.first.locator(".legendtext").first.wait_for(timeout=WAIT_MS)
            legend = charts.first.locator(".legendtext").evaluate_all("texts => texts.map(t => t.textContent)")
            assert set(legend) == {"天津市", "武汉市"}  # both sides in the same chart
            page.screenshot(path=str(ARTIFACTS / f"benchmark_{width}x{height}.png"), full_page=False)
            page.screenshot(path=str(ARTIFACTS / f"benchmark_{width}x{height}_full.png"), full_page=True)
            page.close()


def test_the_briefing_deck_downloads_with_one_slide_per_chart(browser, server):
    import re

    from pptx import Presentation

    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page.goto(server, timeout=WAIT_MS)
    wait_for_page(page, "总览")
    button = page.get_by_role("button", name=re.compile(r"简报 PPTX（本页 \d+ 张图）"))
    charts = int(re.search(r"(\d+) 张图", button.inner_text()).group(1))
    with page.expect_download(timeout=180_000) as download:
        button.click()
    deck = Presentation(io.BytesIO(download.value.path().read_bytes()))
    assert len(deck.slides) == 1 + charts and charts == 3
    page.close()
