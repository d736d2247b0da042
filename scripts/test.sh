#!/usr/bin/env bash
# Quick start, tests: set up .venv with the test extras (sentence-transformers on the CPU torch wheel), run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test,st
exec .venv/bin/python -m pytest "$@"
