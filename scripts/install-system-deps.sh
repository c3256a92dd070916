#!/usr/bin/env bash
# Installs the Debian packages Samskab's tests and demo rely on: Chromium for browser tests,
# Tesseract (Danish + English) for OCR, Dovecot as a real IMAP server for mail tests, poppler
# for reading PDFs back, Pango for WeasyPrint's PDF output, a C compiler for the analysis
# engine's compiled kernel (src/samskab/analysis/_kernel.c). Idempotent: installs only what is
# missing. Needs root (or sudo) and access to Debian's package mirrors.
set -euo pipefail

packages=(
  chromium
  tesseract-ocr tesseract-ocr-dan tesseract-ocr-eng
  dovecot-imapd
  poppler-utils
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  fonts-dejavu-core
  libmagic1
  gettext
  gcc libc6-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The Debian dovecot package starts a system daemon; the tests run their own throwaway instance.
if command -v systemctl >/dev/null && systemctl is-active --quiet dovecot 2>/dev/null; then
  $SUDO systemctl stop dovecot || true
fi
