"""Correct in place, in Chromium (issue #18): an editor signs in, corrects the body of a measure, the tables are
rebuilt with `python -m lib.build --full` and the correction still holds and 部门任务 counts it; a correction
whose text was edited away is reported on the 审核 page. Screenshots of the page and the dialog go to
test-artifacts/ at 1600×1000 and 1366×768."""

from __future__ import annotations

import json
import shutil
import urllib.parse

import pyarrow.parquet as pq
import pytest

from lib import auth
from lib.build.cli import main as build_main
from lib.config import SEEDS_DIR
from tests.test_browser import ARTIFACTS, WAIT_MS, metric_value, streamlit_server, wait_for_page, wait_for_run

pytestmark = pytest.mark.browser
NEW_BODY = "市审核测试局"
PASSWORD = "pw-for-the-review-test"


@pytest.fixture()
def private_store(tmp_path):
    """Seeds, manifest, build and a secrets.toml with one editor, all private to the test."""
    seeds, out, manifest, app = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml", tmp_path / "app"
    shutil.copytree(SEEDS_DIR, seeds)
    manifest.write_text("# curated overrides\n", encoding="utf-8")
    (app / ".streamlit").mkdir(parents=True)
    (app / ".streamlit" / "secrets.toml").write_text(
        f'[editors.passwords]\n"wangli" = "{auth.hash_password(PASSWORD)}"\n', encoding="utf-8"
    )
    args = ["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]
    assert build_main(args) == 0
    env = {"DASHBOARD_SEEDS_DIR": str(seeds), "DASHBOARD_BUILD_DIR": str(out), "DASHBOARD_MANIFEST": str(manifest)}
    return seeds, out, manifest, app, args, env


def _sign_in(page, url: str) -> None:
    page.goto(f"{url}/review", timeout=WAIT_MS)
    wait_for_page(page, "审核")
    page.get_by_label("账号").fill("wangli")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("已登录编辑：wangli").wait_for(timeout=WAIT_MS)
    wait_for_run(page)


def _written_bodies(page, url: str) -> str:
    page.goto(f"{url}/agencies?ag={urllib.parse.quote(NEW_BODY)}", timeout=WAIT_MS)
    wait_for_page(page, "部门任务")
    return metric_value(page, "写明责任单位的措施")


def test_a_corrected_body_survives_a_full_rebuild_and_an_edited_text_is_reported(browser, private_store):
    seeds, out, manifest, app, args, env = private_store
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(env, cwd=app) as url:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}/agencies", timeout=WAIT_MS)
        wait_for_page(page, "部门任务")
        page.get_by_text("修正与审核：措施").click()
        page.get_by_text("修正数据需要编辑账号登录").wait_for(timeout=WAIT_MS)  # no control before signing in
        assert page.get_by_role("button", name="修正所选行…").count() == 0
        _sign_in(page, url)
        page.screenshot(path=str(ARTIFACTS / "review_1600x1000.png"))

        page.get_by_role("link", name="部门任务").click()  # within the session: a new page load would sign out
        wait_for_page(page, "部门任务")
        page.get_by_text("修正与审核：措施").click()
        page.get_by_role("button", name="修正所选行…").click()
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=WAIT_MS)
        wait_for_run(page)
        page.screenshot(path=str(ARTIFACTS / "correct_dialog_1600x1000.png"))
        page.set_viewport_size({"width": 1366, "height": 768})
        page.screenshot(path=str(ARTIFACTS / "correct_dialog_1366x768.png"))
        bodies = dialog.get_by_label("责任单位（用、分隔）")
        bodies.fill(NEW_BODY)
        bodies.press("Enter")
        wait_for_run(page)
        dialog.get_by_label("修正理由（记录在案）").fill("<script>x</script>**核对原文**")
        dialog.get_by_label("修正理由（记录在案）").press("Enter")
        wait_for_run(page)
        dialog.get_by_role("button", name="保存修正").click()
        page.get_by_text("已保存修正并重建数据表").wait_for(timeout=WAIT_MS)
        assert _written_bodies(page, url) == "1"

        assert build_main([*args, "--full"]) == 0  # what an administrator runs: the correction is applied again
        assert _written_bodies(page, url) == "1"
        corrected = [m for m in pq.read_table(out / "measures.parquet").to_pylist() if m["corrected"]]
        assert [m["agencies"] for m in corrected] == [[NEW_BODY]]

        # The corrected item's text is edited away in its document: the 审核 page says the correction is lost
        document = next(
            d for d in pq.read_table(out / "documents.parquet").to_pylist() if d["doc_id"] == corrected[0]["doc_id"]
        )
        path = seeds / document["source_file"]
        text = path.read_text(encoding="utf-8")
        start = corrected[0]["text"][:10]
        assert start in text
        path.write_text(text.replace(start, "全部改写的新内容"), encoding="utf-8")
        assert build_main(args) == 0
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{url}/review", timeout=WAIT_MS)
        wait_for_page(page, "审核")
        page.get_by_text("在本次构建中找不到对应的条目").wait_for(timeout=WAIT_MS)
        page.screenshot(path=str(ARTIFACTS / "review_orphan_1366x768.png"))
        page.get_by_text("1 条修正在本次构建中找不到").wait_for(timeout=WAIT_MS)
        page.close()
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))["corrections"]
    assert [o["reason"] for o in report["orphans"]] == ["text_missing"]
