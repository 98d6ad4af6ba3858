#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine: Chromium and a CJK font from Debian
# (for browser tests, chart images and Chinese glyphs), and the Python packages into .venv/: those of
# requirements.txt, or with --dev those of requirements-dev.txt (the tests' tools as well).
# Idempotent: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi micro hei" || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
requirements=requirements.txt
if [ "${1:-}" = "--dev" ]; then requirements=requirements-dev.txt; fi
stamp=.venv/.${requirements%.txt}.sha256
want=$(cat requirements.txt "$requirements" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "installing Python packages into .venv/ ($requirements)"
  .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
fi
