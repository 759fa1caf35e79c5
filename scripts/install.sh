#!/usr/bin/env bash
# Install sanshen into .venv from the lock file (idempotent). Output is shown only on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock \
       && .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .; } >"$log" 2>&1; then
  grep -v "is ignored: it is neither" "$log" >&2
  echo "安装失败（见上方 pip 输出）" >&2
  exit 1
fi
.venv/bin/python -c "import sanshen"
# Optional: the 审签单 PDF is printed by Debian's chromium with a Chinese font (the web page prints too).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && ! [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei; }; } >/dev/null 2>&1 \
    || echo "提示：未能安装 fonts-wqy-zenhei，审签单 PDF 中的中文可能无法显示" >&2
fi
