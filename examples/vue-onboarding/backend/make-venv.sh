#!/bin/sh
# Creates backend/.venv with requirements.txt. Used by `npm start` (when .venv is missing) and by CI.
# Where the packages come from: $PIP_INDEX_URL if set; otherwise, when pip is configured with a local
# (file://) index, as on the machines this project is tested on (no PyPI there), that index alone,
# which skips pip's failing PyPI look-ups; otherwise PyPI as usual.
set -eu
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv
if [ -z "${PIP_INDEX_URL:-}" ]; then
  for url in $(.venv/bin/pip config get global.extra-index-url 2>/dev/null || true); do
    case "$url" in
      file://*) if [ -d "${url#file://}" ]; then export PIP_INDEX_URL="$url"; break; fi ;;
    esac
  done
fi
.venv/bin/pip install --disable-pip-version-check -q -r requirements.txt 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/python -c "import fastapi, uvicorn, httpx, jwt" || { rm -rf .venv; echo "backend/.venv: installing requirements.txt failed" >&2; exit 1; }
