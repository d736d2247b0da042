#!/usr/bin/env bash
# Quick start, tests: set up .venv with the test extras (sentence-transformers on the CPU torch wheel; the chat's
# LLM writers and, for the LLM integration test, llama-cpp-python's server, built from source once; psycopg for the
# PostgreSQL variants of the storage tests), run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test,st,llm,llm-test,postgres
exec .venv/bin/python -m pytest "$@"
