#!/usr/bin/env bash
# Install everything the tests need (Python deps, Debian's chromium, postgresql and faketime),
# start a local PostgreSQL, then run the suite on SQLite, again on PostgreSQL, and on SQLite
# twice more with the machine's clock moved 2 years ahead and 1 year back (no test may depend
# on the day it runs). Arguments are passed to every pytest run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)  # Chinese glyphs in the 审签单 PDF
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "缺少系统组件: ${need[*]}（请以 root 运行或手动安装）" >&2
  fi
fi
# LibreOffice (headless) opens the yearly report's .docx and .xlsx in tests/test_annual_report.py.
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null
  else
    echo "缺少系统组件: LibreOffice（libreoffice-writer-nogui libreoffice-calc-nogui）" >&2
  fi
fi

# axe-core (the accessibility engine the browser tests inject into every page), from npm, kept in .venv.
if [ ! -f .venv/node/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then
  npm install --no-save --no-audit --no-fund --prefix .venv/node axe-core@4.14.1 >/dev/null
fi

export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 PREFECT_LOGGING_LEVEL=WARNING
# Every pass runs on pytest-xdist workers (one per core by default; a module's tests stay on one worker).
PAR=(-n "${SANSHEN_TEST_WORKERS:-2}" --dist loadfile)

# PostgreSQL for the second pass.
PG_URL=""
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main"; then
    pg_createcluster "$ver" main >/dev/null
  fi
  pg_ctlcluster "$ver" main start 2>/dev/null || true
  for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='sanshen'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE sanshen LOGIN SUPERUSER PASSWORD 'sanshen'\""
  PG_URL="postgresql+psycopg://sanshen:sanshen@127.0.0.1:5432/postgres"
fi

echo "== pass 1: SQLite (embedded default) =="
.venv/bin/python -m pytest -q -p no:cacheprovider "${PAR[@]}" "$@"

if [ -n "$PG_URL" ]; then
  echo "== pass 2: PostgreSQL =="
  SANSHEN_TEST_PG="$PG_URL" .venv/bin/python -m pytest -q -p no:cacheprovider "${PAR[@]}" -m db "$@"
else
  echo "PostgreSQL 不可用：跳过第二轮（PostgreSQL）测试" >&2
  exit 1
fi

if ! command -v faketime >/dev/null 2>&1; then
  echo "缺少 faketime：无法在偏移的时钟下测试" >&2
  exit 1
fi
# libfaketime (0.9.10) turns Python's timed lock waits into waits of years, and Prefect's client
# waits on locks throughout: the Prefect-marked tests (which read no date) stay out of these passes.
for shift in +730d -365d; do
  echo "== pass: SQLite, clock moved $shift ($(faketime -f "$shift" date -u +%F)), without the Prefect tests =="
  faketime -f "$shift" .venv/bin/python -m pytest -q -p no:cacheprovider "${PAR[@]}" -m "not prefect" "$@"
done
