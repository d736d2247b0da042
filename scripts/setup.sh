#!/usr/bin/env bash
# Create .venv at the repository root (once) and install the project with the given extras.
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh test,st
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
stamp=".venv/.installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  spec="."
  [ -n "$extras" ] && spec=".[${extras}]"
  .venv/bin/python -m pip install --quiet -e "$spec"
  touch "$stamp"
fi
