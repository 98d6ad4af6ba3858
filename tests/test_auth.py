"""Who may change data: the role from the server's address and secrets, password hashes, backoff after
failed sign-ins, the per-editor import limit, the audit trail, and the 导入文档 page gated by all of them."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from lib import auth, importer
from lib.build.cli import main as build_main
from lib.config import ROOT
from lib.query.textview import escape_markdown
from lib.ui import signin

PASSWORDS = {"wang": auth.hash_password("正确的密码-wang"), "li": auth.hash_password("正确的密码-li")}
NOTHING = auth.AuthConfig({}, frozenset(), False)
WITH_PASSWORDS = auth.AuthConfig(PASSWORDS, frozenset(), False)
WITH_OIDC = auth.AuthConfig({}, frozenset({"wang@kjj.example"}), True)


# ---------------------------------------------------------------- who edits


@pytest.mark.parametrize(
    "address, loopback",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        (None, False),  # unset: Streamlit listens everywhere
        ("192.168.1.20", False),
        ("dashboard.kjj.example", False),
    ],
)
def test_only_a_loopback_address_counts_as_local(address, loopback):
    assert auth.is_loopback(address) is loopback


@pytest.mark.parametrize(
    "address, config, signed_in, email, editor",
    [
        ("127.0.0.1", NOTHING, None, None, auth.LOCAL_EDITOR),  # a laptop: the local user edits, as before
        ("0.0.0.0", NOTHING, None, None, None),  # open to the network, nothing configured: read-only
        (None, NOTHING, None, None, None),
        ("0.0.0.0", WITH_PASSWORDS, None, None, None),
        ("0.0.0.0", WITH_PASSWORDS, "wang", None, "wang"),
        ("0.0.0.0", WITH_PASSWORDS, "zhao", None, None),  # not (or no longer) an account
        ("127.0.0.1", WITH_PASSWORDS, None, None, None),  # accounts configured: sign-in even behind a local proxy
        ("0.0.0.0", WITH_OIDC, None, "Wang@KJJ.example", "wang@kjj.example"),
        ("0.0.0.0", WITH_OIDC, None, "other@kjj.example", None),  # signed in, but not an editor
    ],
)
def test_the_editor_comes_from_the_server_address_the_secrets_and_the_sign_in(
    address, config, signed_in, email, editor
):
    assert auth.editor_of(address, config, signed_in, email) == editor


def test_secrets_toml_sections_become_the_config():
    config = auth.config_from_secrets(
        {
            "auth": {"client_id": "x"},
            "editors": {
                "passwords": {"wang": PASSWORDS["wang"]},
                "emails": [" Wang@KJJ.example ", ""],
                "provider": "kjj",
            },
        }
    )
    assert config == auth.AuthConfig({"wang": PASSWORDS["wang"]}, frozenset({"wang@kjj.example"}), True, "kjj")
    assert not auth.config_from_secrets({}).configured


# ---------------------------------------------------------------- passwords


def test_a_password_is_kept_only_as_a_salted_scrypt_hash():
    first, second = auth.hash_password("同一个密码123"), auth.hash_password("同一个密码123")
    assert first != second  # a fresh salt each time
    assert first.startswith("scrypt$16384$8$1$") and "同一个密码123" not in first
    assert auth.verify_password("同一个密码123", first) and auth.verify_password("同一个密码123", second)


@pytest.mark.parametrize(
    "password, stored",
    [
        ("错误的密码", PASSWORDS["wang"]),
        ("正确的密码-wang", PASSWORDS["li"]),
        ("", PASSWORDS["wang"]),
        ("正确的密码-wang", None),  # unknown account
        ("正确的密码-wang", "plain-text-password"),
        ("正确的密码-wang", "scrypt$99999999999$8$1$AAAA$AAAA"),  # absurd cost: refused, not computed
        ("正确的密码-wang", "md5$1$1$1$AAAA$AAAA"),
    ],
)
def test_a_wrong_password_or_a_malformed_hash_line_is_refused_without_raising(password, stored):
    assert auth.verify_password(password, stored) is False


def test_the_cli_prints_a_hash_line_for_secrets_toml():
    done = subprocess.run(
        [sys.executable, "-m", "lib.auth", "hash", "王编辑"],
        input="一个足够长的编辑密码2025\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip().splitlines()[-1]
    account, _, value = line.partition(" = ")
    assert json.loads(account) == "王编辑" and auth.verify_password("一个足够长的编辑密码2025", json.loads(value))


def test_the_cli_refuses_a_short_password():
    done = subprocess.run(
        [sys.executable, "-m", "lib.auth", "hash", "wang"],
        input="short\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1 and "10" in done.stderr and "scrypt" not in done.stdout


# ---------------------------------------------------------------- backoff and rate limit


def test_each_failed_sign_in_doubles_the_wait_of_that_account_only():
    backoff = auth.Backoff(first=5, longest=60)
    assert backoff.wait("wang", 0) == 0
    backoff.failed("wang", 100)
    assert backoff.wait("wang", 100) == 5 and backoff.wait("wang", 104) == 1 and backoff.wait("wang", 105) == 0
    backoff.failed("wang", 105)
    assert backoff.wait("wang", 105) == 10
    for _ in range(10):
        backoff.failed("wang", 200)
    assert backoff.wait("wang", 200) == 60  # capped
    assert backoff.wait("li", 200) == 0
    backoff.succeeded("wang")
    assert backoff.wait("wang", 200) == 0


def test_the_backoff_table_stays_bounded_under_a_spray_of_invented_names():
    backoff = auth.Backoff(accounts=100)
    for n in range(1000):
        backoff.failed(f"name{n}", 0)
    assert len(backoff._failures) == 100 and backoff.wait("name999", 0) > 0


def test_imports_are_limited_per_editor_per_minute():
    limiter = auth.RateLimiter(limit=10, window=60)
    assert all(limiter.allow("wang", t) for t in range(10))
    assert not limiter.allow("wang", 30) and limiter.retry_after("wang", 30) == 30
    assert limiter.allow("li", 30)  # another editor is not slowed
    assert limiter.allow("wang", 60.5)  # the first of the ten left the window


# ---------------------------------------------------------------- audit trail


def test_every_change_is_appended_to_the_audit_trail_with_who_and_when(tmp_path):
    log = tmp_path / "audit.jsonl"
    when = datetime(2025, 5, 16, 6, 3, tzinfo=UTC)
    auth.audit("wang", "import", "方案.txt", log=log, when=when, corrections={"title": "新标题\n第二行"})
    auth.audit("li", "delete", "方案.txt", log=log, when=when)
    assert auth.read_audit(log) == [
        {
            "when": "2025-05-16T06:03:00+00:00",
            "who": "wang",
            "action": "import",
            "target": "方案.txt",
            "corrections": {"title": "新标题\n第二行"},
        },
        {"when": "2025-05-16T06:03:00+00:00", "who": "li", "action": "delete", "target": "方案.txt"},
    ]


def test_audit_lines_from_concurrent_writers_never_interleave(tmp_path):
    log = tmp_path / "audit.jsonl"
    threads = [
        threading.Thread(target=lambda n=n: [auth.audit(f"编辑{n}", "import", "长" * 2000, log=log) for _ in range(20)])
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 80 and all(json.loads(line)["target"] == "长" * 2000 for line in lines)


# ---------------------------------------------------------------- the 导入文档 page

IMPORTED = "试导入的文件.txt"


@pytest.fixture(scope="module", autouse=True)
def built_tables():
    assert build_main(["--if-stale"]) in (0, 3)


@pytest.fixture
def server_address():
    """Set Streamlit's server.address as `streamlit run --server.address` would, restored afterwards."""
    before = st_config.get_option("server.address")
    yield lambda address: st_config.set_option("server.address", address)
    st_config.set_option("server.address", before)


@pytest.fixture
def page(monkeypatch, tmp_path, server_address):
    """The importer page with one imported file listed, its removal and the audit log kept in tmp_path,
    and a fresh backoff and rate limiter."""
    removed = []
    monkeypatch.setattr(importer, "imported_files", lambda *a, **k: [IMPORTED])
    monkeypatch.setattr(importer, "remove", lambda name, *a, **k: removed.append(name))
    monkeypatch.setattr(auth, "AUDIT_LOG", tmp_path / "audit.jsonl")
    guards = (auth.Backoff(), auth.RateLimiter(limit=1))
    monkeypatch.setattr(signin, "_guards", lambda: guards)

    def open_page(address: str | None, secrets: dict | None = None) -> AppTest:
        server_address(address)
        app = AppTest.from_file(str(ROOT / "app_pages" / "importer.py"), default_timeout=90)
        for key, value in (secrets or {}).items():
            app.secrets[key] = value
        return app.run()

    open_page.removed = removed
    return open_page


def editing_controls(app: AppTest) -> dict[str, int]:
    return {"uploader": len(app.get("file_uploader")), "delete": sum(b.label == "删除" for b in app.button)}


def sign_in(app: AppTest, account: str, password: str) -> AppTest:
    app.text_input(key="signin_account").input(account)
    app.text_input(key="signin_password_text").input(password)
    return next(b for b in app.button if b.label == "登录").click().run()


def texts(elements) -> str:
    return " ".join(e.value for e in elements)


def test_on_loopback_with_nothing_configured_the_local_user_edits_as_before(page):
    app = page("127.0.0.1")
    assert not app.exception
    assert editing_controls(app) == {"uploader": 1, "delete": 1}
    assert not [b for b in app.button if b.label == "登录"]


@pytest.mark.parametrize("address", ["0.0.0.0", None])
def test_open_to_the_network_with_nothing_configured_the_page_is_read_only(page, address):
    app = page(address)
    assert not app.exception
    assert editing_controls(app) == {"uploader": 0, "delete": 0}
    assert "只读" in texts(app.info) and escape_markdown(IMPORTED) in texts(app.markdown)  # still listed


def test_open_to_the_network_nobody_edits_before_signing_in(page):
    app = page("0.0.0.0", {"editors": {"passwords": PASSWORDS}})
    assert editing_controls(app) == {"uploader": 0, "delete": 0}
    assert "需要编辑账号登录" in texts(app.info)


def test_after_a_correct_password_the_controls_appear_and_changes_are_audited(page):
    app = sign_in(page("0.0.0.0", {"editors": {"passwords": PASSWORDS}}), "wang", "正确的密码-wang")
    assert not app.exception and not app.error
    assert editing_controls(app) == {"uploader": 1, "delete": 1}
    assert "wang" in texts(app.caption)
    remove_confirmed(app)
    assert page.removed == [IMPORTED]
    assert [(r["who"], r["action"], r["target"]) for r in auth.read_audit()] == [
        ("wang", "sign_in", ""),
        ("wang", "delete", IMPORTED),
    ]
    remove_confirmed(app)  # the limiter of this test allows 1 a minute
    assert page.removed == [IMPORTED] and "秒后再试" in texts(app.error)


def remove_confirmed(app: AppTest) -> AppTest:
    """删除, then 确认删除: one click removes nothing."""
    next(b for b in app.button if b.label == "删除").click().run()
    return next(b for b in app.button if b.label == "确认删除").click().run()


def test_a_wrong_password_says_so_and_the_next_try_is_delayed(page):
    app = sign_in(page("0.0.0.0", {"editors": {"passwords": PASSWORDS}}), "li", "错误的密码")
    assert "账号或密码不正确" in texts(app.error)
    assert editing_controls(app) == {"uploader": 0, "delete": 0}
    app = sign_in(app, "li", "正确的密码-li")  # right away, even with the right password
    assert "过于频繁" in texts(app.error) and "秒后再试" in texts(app.error)
    assert editing_controls(app) == {"uploader": 0, "delete": 0}
    assert auth.read_audit() == []


def test_a_signed_in_editor_can_sign_out(page):
    app = sign_in(page("0.0.0.0", {"editors": {"passwords": PASSWORDS}}), "wang", "正确的密码-wang")
    next(b for b in app.button if b.label == "退出登录").click().run()
    assert editing_controls(app) == {"uploader": 0, "delete": 0}


def test_with_an_oidc_provider_the_page_offers_the_agency_sign_in(page):
    app = page(
        "0.0.0.0",
        {
            "auth": {
                "client_id": "x",
                "client_secret": "y",
                "redirect_uri": "http://localhost:8501/oauth2callback",
                "cookie_secret": "z",
                "server_metadata_url": "https://id.kjj.example/.well-known/openid-configuration",
            },
            "editors": {"emails": ["wang@kjj.example"]},
        },
    )
    assert not app.exception
    assert [b.label for b in app.button if b.label == "使用单位账号登录"] and editing_controls(app)["uploader"] == 0
