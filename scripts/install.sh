#!/usr/bin/env bash
# Install sanshen into .venv from the lock file (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r requirements.lock 2>&1 | grep -v -e "is ignored: it is neither" -e "^ *$" || true
.venv/bin/pip install -q --disable-pip-version-check --no-deps -e . 2>&1 | grep -v -e "is ignored: it is neither" -e "^ *$" || true
.venv/bin/python -c "import sanshen" 
