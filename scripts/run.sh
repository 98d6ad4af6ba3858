#!/usr/bin/env bash
# Install, build the tables when they are missing or stale, and start the dashboard on the bundled seeds.
# It listens on 127.0.0.1 (this machine only, where the local user edits). To serve a team, set
# STREAMLIT_SERVER_ADDRESS=0.0.0.0 or pass --server.address 0.0.0.0; the app is then read-only until an
# editor signs in (docs/security.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python -m lib.build --if-stale || [ $? -eq 3 ]
exec .venv/bin/streamlit run server.py --server.headless true \
  --server.address "${STREAMLIT_SERVER_ADDRESS:-127.0.0.1}" "$@"
