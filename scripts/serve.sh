#!/usr/bin/env bash
# Deployment: several web workers behind one address on this machine (README "Deployment (several workers)").
#   bash scripts/serve.sh [--workers N] [--port P] [--host H]
# Sets up .venv (with the postgres extra) as scripts/run.sh does, then starts, each waited for: PostgreSQL in
# <data_dir>/postgres and a Chroma server in <data_dir>/chroma-server (unless ASSISTANT_DATABASE_URL /
# ASSISTANT_CHROMA_MODE=http name existing ones), the index refreshed once, N workers on 127.0.0.1:P+1…P+N and
# haproxy on H:P (default 127.0.0.1:7860) in the foreground. Ctrl-C or SIGTERM stops all of it.
# Missing programs (haproxy, PostgreSQL), a port in use or a public address without a login: exit 2, saying which.
# SHOUHOU_PYTHON=/path/to/python uses that interpreter's environment instead of setting up .venv (the tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${SHOUHOU_PYTHON:-}"
if [ -z "$python" ]; then
  scripts/setup.sh postgres
  python=.venv/bin/python
fi
exec "$python" -m assistant.deploy "$@"
