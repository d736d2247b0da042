#!/usr/bin/env bash
# Quick start, main job: set up .venv, build the index on first use, then answer questions typed on stdin.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m assistant ask "$@"
