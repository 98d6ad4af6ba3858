"""A document, a file name or a URL is data, never markup: Markdown and HTML payloads go through every
page (a) under AppTest, checking every string a page hands to a Markdown element or a chart, and (b) in
Debian's Chromium, checking the DOM for links and images to the payloads' host and every request made."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest

from lib.build.cli import main as build_main
from lib.build.corrections import Correction, dump
from lib.config import ROOT
from lib.query.textview import escape_markdown

EVIL = "evil.example"
TITLE = f"北辰区[点我](https://{EVIL})![x](https://{EVIL}/x.png)<script>x</script>**粗**$x$:red[红]工作方案"
DOCUMENT = f"""{TITLE}
为推动北辰区科技创新，制定本方案。
一、主要任务
（一）建设概念验证中心[点我](https://{EVIL})。支持企业建设中试平台![x](https://{EVIL}/x.png)，到2025年达到10家。责任单位：市科技局
（二）培育科技型企业<script>alert(1)</script>**粗**$x$:red[红]:material/home:。访问 https://{EVIL}/bare 或 www.{EVIL} 了解。责任单位：北辰区科技局
（三）完善<img src=x onerror=alert(1)>评价机制。责任单位：区人力资源和社会保障局
二、保障措施
（一）加强组织领导<a href="https://{EVIL}/a">链接</a>。责任单位：北辰区政府办公室
"""
FILE_NAME = "[点我](evil.example) <img src=x onerror=alert(1)> $x$ :red[红].txt"
SEARCH = f"[点我](https://{EVIL})"  # matches the first measure, so the pages draw it with the query
# Markup that must never reach a Markdown element as written (once the backslash escapes are removed,
# none of these may be left: an escaped "\[" no longer opens a link, "https\:⁠//" is no longer a URL).
RAW = [
    "[点我](",
    "![x](",
    "[x](",
    "<img",
    "<script",
    "<a href",
    "**粗**",
    "$x$",
    ":red[",
    ":material/home:",
    f"https://{EVIL}",
    f"www.{EVIL}",
]
MARKDOWN_FIELDS = {"body", "label", "help"}  # what Streamlit renders as Markdown (options and values are plain)
ESCAPE = re.compile(r"\\.")
CHART_TAG = re.compile(r"<(?!/?(?:br|b|i|em|sup|sub|extra)\s*/?>)", re.IGNORECASE)


@pytest.fixture(scope="module")
def payload_build(tmp_path_factory) -> dict[str, str]:
    """A seed folder holding only the payload document, built into its own out dir: the DASHBOARD_* env."""
    root = tmp_path_factory.mktemp("payloads")
    seeds, out, manifest = root / "seeds", root / "build", root / "documents.yaml"
    seeds.mkdir()
    (seeds / FILE_NAME).write_text(DOCUMENT, encoding="utf-8")
    manifest.write_text("", encoding="utf-8")
    # a correction by an editor whose every field is a payload, its item gone: shown on 审核 as lost
    lost = Correction("c0000000001", TITLE, "2026-01-01", "measures", "review", "0" * 64, FILE_NAME, "0" * 40,
                      text=TITLE, title=TITLE, why=TITLE)  # fmt: skip
    manifest.with_name("corrections.yaml").write_text(dump([lost]), encoding="utf-8")
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) in (0, 3)
    return {
        "DASHBOARD_SEEDS_DIR": str(seeds),
        "DASHBOARD_BUILD_DIR": str(out),
        "DASHBOARD_MANIFEST": str(manifest),
        "DASHBOARD_AUDIT_LOG": str(root / "audit.jsonl"),
    }


@pytest.fixture(scope="module")
def document(payload_build) -> pd.Series:
    """The payload document as built (the title extractor keeps the title's first 80 characters)."""
    return pd.read_parquet(Path(payload_build["DASHBOARD_BUILD_DIR"]) / "documents.parquet").iloc[0]


@pytest.fixture(scope="module")
def doc_id(document) -> str:
    return document.doc_id


def page_strings(env: dict[str, str], query: dict[str, str]) -> list[list[str]]:
    """[page, element type, field, text] of every page, in a fresh process (lib.config reads the env)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "page_strings.py"), json.dumps(query)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def rendered(payload_build, doc_id) -> list[list[str]]:
    """Every page with the defaults, then with the document, its district and a payload search in the URL."""
    return page_strings(payload_build, {}) + page_strings(
        payload_build, {"doc": doc_id, "d": f'北辰区,<a href="https://{EVIL}/d">区</a>', "q": SEARCH}
    )


def test_the_payloads_reach_the_pages(rendered, document):
    """The other tests would pass vacuously if the pipeline dropped the payloads: they are there, escaped."""
    bodies = {(page, typ): [] for page, typ, _, _ in rendered}
    for page, typ, field, text in rendered:
        if field in MARKDOWN_FIELDS:
            bodies[(page, typ)].append(text)
    assert "<script>" in document.title and "[点我](" in document.title
    assert escape_markdown(document.title) in bodies[("reader", "subheader")]  # the 原文 subheader
    assert any(escape_markdown(document.title) in body for body in bodies[("districts", "markdown")])  # 本区文件
    assert any(escape_markdown("<img src=x onerror=alert(1)>") in body for body in bodies[("reader", "markdown")])
    assert any(escape_markdown(SEARCH) in body for body in bodies[("reader", "caption")])  # 检索词 of ?q=
    assert any(
        "&lt;script" in text for _, _, field, text in rendered if field.startswith("plotly")
    )  # the title in a chart


def test_no_page_raises_on_the_payloads(rendered):
    assert not [row for row in rendered if row[1] == "exception"]


def test_no_markdown_element_receives_a_payload_unescaped(rendered):
    leaks = [
        (page, typ, field, text[:120], [r for r in RAW if r in ESCAPE.sub("", text)])
        for page, typ, field, text in rendered
        if field in MARKDOWN_FIELDS
    ]
    assert not [leak for leak in leaks if leak[-1]]


def test_no_chart_receives_a_tag_of_a_payload(rendered):
    """Plotly draws <a href>, <span style> and the like in labels and hover text; only our own tags pass."""
    charts = [text for _, _, field, text in rendered if field.startswith("plotly")]
    assert charts and not [text[:120] for text in charts if CHART_TAG.search(text)]


# ---------------------------------------------------------------- in the browser

pytest.importorskip("playwright")
from test_browser import PAGES as PAGE_TITLES  # noqa: E402  (URL path → the page's title)
from test_browser import WAIT_MS, streamlit_server, wait_for_page  # noqa: E402

from tests.conftest import CHROMIUM_ARGS  # noqa: E402

# Every attribute through which a page could link to, or load from, another host.
FOREIGN_REFERENCES = """() => Array.from(document.querySelectorAll('*')).flatMap(el =>
    ['href', 'xlink:href', 'src', 'srcset', 'action', 'formaction', 'poster', 'data']
        .map(name => el.getAttribute(name)).filter(v => v && v.includes('evil')).map(v => el.tagName + ' ' + v))"""


@pytest.mark.browser
def test_no_page_links_to_or_loads_from_the_payloads_host(payload_build, doc_id):
    from playwright.sync_api import sync_playwright

    query = urllib.parse.urlencode({"doc": doc_id, "d": "北辰区", "q": SEARCH})
    visits = [(path, query) for path in PAGE_TITLES] + [
        ("reader", urllib.parse.urlencode({"q": f"[x](https://{EVIL})"}))
    ]
    requests: list[str] = []
    with streamlit_server(payload_build) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for path, params in visits:
                page = browser.new_page(viewport={"width": 1500, "height": 2400})
                page.on("request", lambda request: requests.append(request.url))
                page.goto(f"{url}/{path}?{params}", timeout=WAIT_MS)
                wait_for_page(page, PAGE_TITLES[path])
                assert page.locator(f'a[href*="{EVIL}"]').count() == 0, path
                assert page.locator('img[src*="evil"]').count() == 0, path
                assert page.evaluate(FOREIGN_REFERENCES) == [], path
                assert page.locator(".katex").count() == 0, path  # $x$ is not typeset
                assert page.get_by_text("alert(1)").count() > 0 or path not in ("reader",), path  # shown as text
                page.close()
        finally:
            browser.close()
    assert [r for r in requests if EVIL in (urllib.parse.urlparse(r).hostname or "")] == []
    assert any(r.startswith(url) for r in requests)  # the listener did see the page's own requests
