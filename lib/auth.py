"""Who may change data (DESIGN.md §7): a session's editor from the server's address, secrets.toml and
the session's sign-in; editor passwords as salted scrypt hashes; per-account backoff after failed
sign-ins; a per-editor rate limit on imports; an append-only audit trail. Pure except audit().

    python -m lib.auth hash       asks for a password twice, prints the line for secrets.toml
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import sys
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from lib.config import DOCUMENTS_YAML

# Next to the manifest it describes the changes of (tests move both with DASHBOARD_MANIFEST).
AUDIT_LOG = Path(os.environ.get("DASHBOARD_AUDIT_LOG", DOCUMENTS_YAML.parent / "audit.jsonl"))
LOCAL_EDITOR = "本机用户"
# scrypt at n=2**14, r=8, p=1 (16 MiB, ~50 ms here): the interactive-login parameters of RFC 7914 §2.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SALT_BYTES, KEY_BYTES = 2**14, 8, 1, 16, 32
HASH_SCHEME = "scrypt"
# After the n-th failed sign-in in a row an account waits BACKOFF_FIRST * 2**(n-1) s, at most BACKOFF_MAX.
BACKOFF_FIRST, BACKOFF_MAX, BACKOFF_ACCOUNTS = 5.0, 900.0, 10_000
# An import rebuilds the tables (~1 s): 10 a minute is more than a person uploads, far less than a script.
IMPORTS_PER_MINUTE = 10


@dataclass(frozen=True)
class AuthConfig:
    """The [editors] section of secrets.toml, and whether [auth] (st.login's OIDC provider) is set."""

    passwords: Mapping[str, str]  # account → scrypt hash line
    emails: frozenset[str]  # OIDC accounts allowed to edit (lower case)
    oidc: bool
    provider: str | None = None  # a named provider under [auth.NAME]; None: the [auth] section itself

    @property
    def configured(self) -> bool:
        return bool(self.passwords or self.emails)


def config_from_secrets(secrets_: Mapping[str, Any]) -> AuthConfig:
    """secrets.toml as a dict → AuthConfig (missing sections: nothing configured)."""
    editors = secrets_.get("editors") or {}
    passwords = {str(k): str(v) for k, v in (editors.get("passwords") or {}).items()}
    emails = frozenset(str(e).strip().lower() for e in editors.get("emails") or () if str(e).strip())
    return AuthConfig(passwords, emails, bool(secrets_.get("auth")), editors.get("provider") or None)


def is_loopback(address: str | None) -> bool:
    """Whether the server listens on loopback only. Streamlit's default (unset/empty) is every interface."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def editor_of(
    address: str | None, config: AuthConfig, signed_in: str | None = None, oidc_email: str | None = None
) -> str | None:
    """Who edits in this session, or None (read-only). A sign-in counts only for a configured account;
    with no account configured, the local user of a loopback server edits, as on a laptop."""
    if signed_in and signed_in in config.passwords:
        return signed_in
    if oidc_email and oidc_email.strip().lower() in config.emails:
        return oidc_email.strip().lower()
    if not config.configured and is_loopback(address):
        return LOCAL_EDITOR
    return None


# ---------------------------------------------------------------- passwords


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=2 * 128 * r * n + 2**20
    )


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """'scrypt$n$r$p$salt$key' (base64) with a fresh random salt; the only form a password is kept in."""
    if not password:
        raise ValueError("密码不能为空")
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{HASH_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def _parse(stored: str | None) -> tuple[bytes, bytes, int, int, int] | None:
    """A hash line → (salt, key, n, r, p), or None when it is not one of ours (or has absurd costs)."""
    try:
        scheme, n, r, p, salt, key = (stored or "").split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        if scheme != HASH_SCHEME or not (2 <= n_ <= 2**20 and 1 <= r_ <= 32 and 1 <= p_ <= 16):
            return None
        return base64.b64decode(salt, validate=True), base64.b64decode(key, validate=True), n_, r_, p_
    except (ValueError, TypeError):
        return None


# Checked instead when the account is unknown or its line malformed, so that the answer takes as long.
_DUMMY = cast(tuple[bytes, bytes, int, int, int], _parse(hash_password("not a password", salt=b"\0" * SALT_BYTES)))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether password matches the stored hash line; compared in constant time, never raises."""
    parsed = _parse(stored)
    salt, key, n, r, p = parsed if parsed is not None else _DUMMY
    matches = hmac.compare_digest(_scrypt(password or "", salt, n, r, p), key)
    return matches and parsed is not None


# ---------------------------------------------------------------- backoff and rate limit


class Backoff:
    """Failed sign-ins per account: each failure doubles the wait before the next try is heard.
    One per server (not per session), so a new browser tab does not reset it."""

    def __init__(self, first: float = BACKOFF_FIRST, longest: float = BACKOFF_MAX, accounts: int = BACKOFF_ACCOUNTS):
        self.first, self.longest, self.accounts = first, longest, accounts
        self._failures: dict[str, tuple[int, float]] = {}  # account → (failures in a row, time of the last)
        self._lock = threading.Lock()

    def wait(self, account: str, now: float) -> float:
        """Seconds before this account may try again (0: now)."""
        with self._lock:
            failures, last = self._failures.get(account, (0, 0.0))
        if not failures:
            return 0.0
        return max(0.0, last + min(self.first * 2 ** (failures - 1), self.longest) - now)

    def failed(self, account: str, now: float) -> None:
        with self._lock:
            failures, _ = self._failures.pop(account, (0, 0.0))
            if len(self._failures) >= self.accounts:  # bounded memory under a spray of invented names
                self._failures.pop(next(iter(self._failures)))
            self._failures[account] = (failures + 1, now)

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(account, None)


class RateLimiter:
    """At most `limit` actions per `window` seconds per key (a sliding window)."""

    def __init__(self, limit: int = IMPORTS_PER_MINUTE, window: float = 60.0):
        self.limit, self.window = limit, window
        self._times: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float) -> bool:
        """Count one action for key and say whether it is allowed (a refused one is not counted)."""
        with self._lock:
            times = self._times.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until key may act again (0: now)."""
        with self._lock:
            times = self._times.get(key) or deque()
            return max(0.0, times[0] + self.window - now) if len(times) >= self.limit else 0.0


# ---------------------------------------------------------------- audit trail


def audit_line(editor: str, action: str, target: str, when: datetime, **details: Any) -> str:
    """One JSON line: who, when (UTC, ISO), what, on which file, and details."""
    record = {
        "when": when.astimezone(UTC).isoformat(timespec="seconds"),
        "who": editor,
        "action": action,
        "target": target,
        **details,
    }
    return json.dumps(record, ensure_ascii=False, default=str) + "\n"


def audit(
    editor: str, action: str, target: str, *, log: Path | None = None, when: datetime | None = None, **details: Any
) -> None:
    """Append one line to the audit log in a single O_APPEND write (lines from concurrent sessions or
    processes never interleave), flushed to disk before returning."""
    path = log or AUDIT_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    data = audit_line(editor, action, target, when or datetime.now(UTC), **details).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_audit(log: Path | None = None) -> list[dict]:
    """The audit trail, oldest first (an unreadable line is skipped, never fatal)."""
    path = log or AUDIT_LOG
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


# ---------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """`python -m lib.auth hash [ACCOUNT]`: the secrets.toml line of a new editor password."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "hash":
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    account = args[1] if len(args) > 1 else input("账号：").strip()
    password = getpass.getpass("密码：") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty() and getpass.getpass("再输入一次：") != password:
        print("两次输入的密码不一致", file=sys.stderr)
        return 1
    if len(password) < 10:
        print("密码至少 10 个字符", file=sys.stderr)
        return 1
    print("# 放在 .streamlit/secrets.toml 的 [editors.passwords] 之下")
    print(f'{json.dumps(account, ensure_ascii=False)} = "{hash_password(password)}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
