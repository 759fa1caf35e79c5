#!/usr/bin/env bash
# Install, initialise the data directory and start sanshen on the embedded default
# (SQLite + Prefect's embedded API, all state under $SANSHEN_HOME, default ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export SANSHEN_HOME=${SANSHEN_HOME:-$PWD/data}
.venv/bin/sanshen init
exec .venv/bin/sanshen serve "$@"
