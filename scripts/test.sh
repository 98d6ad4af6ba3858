#!/usr/bin/env bash
# Install, check the code (ruff: lint and format; mypy: types), then run the whole test suite (unit, golden,
# precision/recall, property and browser tests; the layout's import contracts among them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
code=(lib app_pages tests bench dashboard.py server.py)
.venv/bin/ruff check "${code[@]}"
.venv/bin/ruff format --check "${code[@]}"
.venv/bin/mypy  # lib/, configured in pyproject.toml
exec .venv/bin/python -m pytest -q "$@"
