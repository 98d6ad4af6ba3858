"""The stub dashboard: renders the built tables in process (AppTest) and in headless Chromium."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.build import main as build_main
from lib.config import ROOT

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module", autouse=True)
def built_tables():
    assert build_main(["--if-stale"]) == 0


def test_tables_page_shows_the_counts_of_every_table():
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    labels = {m.label: m.value for m in app.metric}
    assert labels["文件"] == "5" and int(labels["措施"]) >= 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.25)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.browser
def test_deep_link_renders_the_tables_page_in_chromium(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(server + "/tables", timeout=60_000)
        page.get_by_text("天津科技政策看板 · 数据表").wait_for(timeout=60_000)
        page.get_by_text("措施", exact=True).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "tables.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        # Streamlit's automatic page list (built from pages/ file names) must not appear on a deep link.
        assert page.get_by_text("dashboard", exact=True).count() == 0
        browser.close()
