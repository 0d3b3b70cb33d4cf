#!/usr/bin/env bash
# Creates .venv/ and installs policy-qa into it (once; again when pyproject.toml changes).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
stamp=".venv/.policyqa-installed"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "policy-qa needs Python 3.11 or newer")'
echo "setting up .venv (first run: a few minutes)..." >&2
# Old Word (.doc/.wps) and scans (PDF pages without text, images) need Debian's tools; without them
# those files are skipped with a reason. Installed here when we are root or have passwordless sudo.
DEBIAN_PACKAGES="antiword catdoc poppler-utils tesseract-ocr tesseract-ocr-chi-sim"
readers_tools_missing() {
  command -v antiword >/dev/null && command -v pdftoppm >/dev/null && command -v tesseract >/dev/null || return 0
  local langs; langs="$(tesseract --list-langs 2>/dev/null || true)"
  ! grep -qx chi_sim <<<"$langs"
}
if readers_tools_missing && command -v apt-get >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  if [ -z "$sudo" ] || sudo -n true 2>/dev/null; then
    echo "installing $DEBIAN_PACKAGES (for .doc/.wps files and scans)..." >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $DEBIAN_PACKAGES >/dev/null 2>&1 \
      || { $sudo apt-get update -q >/dev/null 2>&1 \
           && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $DEBIAN_PACKAGES >/dev/null 2>&1; } \
      || echo "could not install $DEBIAN_PACKAGES: .doc/.wps files and scans will be skipped" >&2
  fi
fi
if readers_tools_missing; then
  echo "note: to read .doc/.wps files and scans (OCR), run: sudo apt-get install $DEBIAN_PACKAGES" >&2
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip wheel
# The CPU build of torch first: without the pin, a dependency would pull a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
# dev: the test tools; milvus: the second store, so that its contract tests run too; bench: what bench/ compares with.
.venv/bin/python -m pip install --quiet -e ".[dev,milvus,bench]"
# openvino: the faster embedding runtime; without it (not installable here), torch embeds.
.venv/bin/python -m pip install --quiet -e ".[openvino]" || echo "OpenVINO could not be installed: embedding with torch" >&2
# ocr: rapidocr (PP-OCR in onnxruntime) for scanned pages; without it, tesseract reads them.
.venv/bin/python -m pip install --quiet -e ".[ocr]" || echo "rapidocr could not be installed: scanned pages are read by tesseract" >&2
echo "$wanted" > "$stamp"
echo "set-up done." >&2
