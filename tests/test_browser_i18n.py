"""What the language switch leaves to the browser: plotly's toolbar tooltips and the upload widget, which
Streamlit and plotly.js draw themselves, read in Debian's Chromium at a laptop's and a desktop's size.
Screenshots land in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from test_browser import WAIT_MS, streamlit_server, wait_for_page

from lib.build.cli import main as build_main
from lib.config import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORTS = {"1366x768": {"width": 1366, "height": 768}, "1600x1000": {"width": 1600, "height": 1000}}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
PROPER = {"PNG", "MB", "KB"}
# What a tooltip shows: plotly draws data-title in a ::after box, which our CSS may replace.
TOOLTIPS = """() => [...document.querySelectorAll('.modebar-btn')].map(b => {
  const after = getComputedStyle(b, '::after').content;
  return after && after !== 'none' && after !== 'normal' ? after.replace(/^"|"$/g, '') : b.getAttribute('data-title');
})"""
# The words the upload widget shows: its text nodes at a visible size (icons are ligatures of an icon font),
# and what a ::after puts in their place.
UPLOADER_WORDS = """() => {
  const root = document.querySelector("[data-testid='stFileUploaderDropzone']");
  const words = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent.closest("[data-testid='stIconMaterial']")) continue;
    if (parseFloat(getComputedStyle(parent).fontSize) > 0 && walker.currentNode.textContent.trim())
      words.push(walker.currentNode.textContent.trim());
  }
  for (const el of root.querySelectorAll('*')) {
    const after = getComputedStyle(el, '::after').content;
    if (after && after !== 'none' && after !== 'normal') words.push(after.replace(/^"|"$/g, ''));
  }
  return words;
}"""


@pytest.fixture(scope="module", autouse=True)
def built_tables():
    assert build_main(["--if-stale"]) in (0, 3)


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


def english_words(texts: list[str]) -> list[str]:
    return [w for text in texts for w in ENGLISH_WORD.findall(text) if w not in PROPER]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_chart_toolbar_shows_no_english_tooltip_in_chinese(browser, server, size):
    page = browser.new_page(viewport=VIEWPORTS[size])
    page.goto(server, timeout=WAIT_MS)
    wait_for_page(page, "总览")
    page.locator(".modebar-btn").first.wait_for(state="attached", timeout=WAIT_MS)
    tooltips = page.evaluate(TOOLTIPS)
    assert len(tooltips) >= 8 and "下载图片（PNG）" in tooltips and "全屏" in tooltips, tooltips
    assert not english_words(tooltips), sorted(set(tooltips))
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.hover()
    chart.locator(".modebar-btn").first.hover()  # the camera button's tooltip, as an official sees it
    page.screenshot(path=str(ARTIFACTS / f"i18n_toolbar_zh_{size}.png"))
    page.close()


def test_the_chart_toolbar_is_english_in_english(browser, server):
    page = browser.new_page(viewport=VIEWPORTS["1600x1000"])
    page.goto(f"{server}/?lang=en", timeout=WAIT_MS)
    wait_for_page(page, "Overview")
    page.locator(".modebar-btn").first.wait_for(state="attached", timeout=WAIT_MS)
    tooltips = page.evaluate(TOOLTIPS)
    assert "Download plot as a PNG" in tooltips and "Fullscreen" in tooltips
    page.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_upload_widget_speaks_chinese(browser, server, size):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=VIEWPORTS[size])
    page.goto(f"{server}/import", timeout=WAIT_MS)
    wait_for_page(page, "导入文档")
    dropzone = page.locator("[data-testid='stFileUploaderDropzone']")
    dropzone.wait_for(timeout=WAIT_MS)
    words = page.evaluate(UPLOADER_WORDS)
    assert "上传文件" in words and any("20 MB" in w for w in words), words
    assert not english_words(words), words
    box = dropzone.bounding_box()
    assert box and box["width"] > 200 and box["height"] < 200  # one tidy row, the Chinese not spilling over
    page.locator("[data-testid='stFileUploader']").screenshot(path=str(ARTIFACTS / f"i18n_uploader_zh_{size}.png"))
    page.close()


def test_the_upload_widget_keeps_streamlits_words_in_english(browser, server):
    page = browser.new_page(viewport=VIEWPORTS["1600x1000"])
    page.goto(f"{server}/import?lang=en", timeout=WAIT_MS)
    wait_for_page(page, "Import documents")
    page.locator("[data-testid='stFileUploaderDropzone']").wait_for(timeout=WAIT_MS)
    words = page.evaluate(UPLOADER_WORDS)
    assert "Upload" in words and not any(re.search(r"[\u4e00-\u9fff]", w) for w in words), words
    page.close()
