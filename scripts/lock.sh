#!/usr/bin/env bash
# Re-resolve dependencies from pyproject.toml and rewrite requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python3.11 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q ".[test]"
{ echo "# Lock file: exact versions installed together and tested (Python 3.11). Regenerate with scripts/lock.sh."
  "$tmp/venv/bin/pip" freeze | grep -v -iE "^(sanshen|pip|setuptools|wheel)[ =]"; } > requirements.lock
rm -rf "$tmp"
