"""The Streamlit side of lib/auth: who edits in this session, the sign-in box or the read-only notice,
and the per-editor limit on changes. Pages call editor() and draw editing controls only when it names one."""

from __future__ import annotations

import logging
import math
import time

import streamlit as st

from lib import auth
from lib.query.textview import escape_markdown
from lib.ui.state import t

SIGNED_IN_KEY = "signed_in_editor"  # the password account this session signed in with
log = logging.getLogger("dashboard.auth")


@st.cache_resource
def _guards() -> tuple[auth.Backoff, auth.RateLimiter]:
    """One backoff and one rate limiter per server process: a new session or tab does not reset them."""
    return auth.Backoff(), auth.RateLimiter()


def _config() -> auth.AuthConfig:
    try:
        secrets = st.secrets.to_dict()
    except Exception:  # no secrets.toml (FileNotFoundError, StreamlitSecretNotFoundError): nothing configured
        secrets = {}
    return auth.config_from_secrets(secrets)


def _oidc_email() -> str | None:
    try:
        email = st.user.get("email") if st.user.is_logged_in else None
        return email if isinstance(email, str) else None
    except Exception:  # st.user without [auth] configured
        return None


def current_editor() -> str | None:
    """The editor of this session, or None, drawing nothing (for controls on pages other than sign-in's)."""
    return auth.editor_of(
        st.get_option("server.address"), _config(), st.session_state.get(SIGNED_IN_KEY), _oidc_email()
    )


def editor() -> str | None:
    """The editor of this session, or None after drawing why editing is closed and how to sign in.
    Decided by the server's own listening address (server.address), never the client's, which a proxy hides."""
    config = _config()
    name = auth.editor_of(st.get_option("server.address"), config, st.session_state.get(SIGNED_IN_KEY), _oidc_email())
    if name:
        if name != auth.LOCAL_EDITOR:
            left, right = st.columns([5, 1])
            left.caption(t(f"已登录编辑：{escape_markdown(name)}。导入、删除与修正均记录操作人和时间。"))
            right.button(t("退出登录"), on_click=_sign_out, key="signin_out")
        return name
    if not config.configured:
        st.info(
            t(
                "只读模式：本服务器对网络开放，且未配置编辑账号，因此不能导入、删除或修正文件。"
                "管理员可按 docs/security.md 配置编辑账号。"
            )
        )
        return None
    st.info(t("只读模式：导入、删除或修正文件需要编辑账号登录。"))
    email = _oidc_email()
    if email:
        st.warning(t(f"账号 {escape_markdown(email)} 不在编辑名单中，只能浏览。"))
    if config.oidc and config.emails:
        st.button(
            t("使用单位账号登录"),
            key="signin_oidc",
            on_click=st.login,
            args=(config.provider,) if config.provider else (),
        )
    if config.passwords:
        _password_form(config)
    return None


def _sign_out() -> None:
    if st.session_state.pop(SIGNED_IN_KEY, None) is None and _oidc_email():
        st.logout()


def _password_form(config: auth.AuthConfig) -> None:
    with st.form("signin_password"):
        account = st.text_input(t("账号"), key="signin_account").strip()
        password = st.text_input(t("密码"), type="password", key="signin_password_text")
        submitted = st.form_submit_button(t("登录"))
    if not submitted:
        return
    backoff, now = _guards()[0], time.monotonic()
    if (wait := backoff.wait(account, now)) > 0:
        st.error(t(f"登录尝试过于频繁：请 {math.ceil(wait)} 秒后再试。"))
        return
    if auth.verify_password(password, config.passwords.get(account)):
        backoff.succeeded(account)
        st.session_state[SIGNED_IN_KEY] = account
        auth.audit(account, "sign_in", "")
        st.rerun()
    backoff.failed(account, now)
    log.warning("failed sign-in for account %r", account)
    st.error(t(f"账号或密码不正确。请 {math.ceil(backoff.wait(account, now))} 秒后再试。"))


def refuse_change(editor_name: str) -> str | None:
    """A message when this editor has made too many changes in the last minute (a script flooding the
    build), else None and the change is counted."""
    limiter, now = _guards()[1], time.monotonic()
    if limiter.allow(editor_name, now):
        return None
    return t(
        f"一分钟内最多 {limiter.limit} 次导入或删除：请 {math.ceil(limiter.retry_after(editor_name, now))} 秒后再试。"
    )
