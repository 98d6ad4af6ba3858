#!/usr/bin/env bash
# Install, build the tables when they are missing or stale, and start the dashboard on the bundled seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python -m lib.build --if-stale || [ $? -eq 3 ]
exec .venv/bin/streamlit run server.py --server.headless true "$@"
