#!/usr/bin/env bash
# Quick start, main job: set up .venv, build the index on first start (progress shown), serve the web app on
# http://127.0.0.1:7860 (arguments go to `web`, e.g. --port 8000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m assistant web "$@"
