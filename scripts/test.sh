#!/usr/bin/env bash
# Install, then run the whole test suite (unit, golden, precision/recall, property and browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
exec .venv/bin/python -m pytest -q "$@"
