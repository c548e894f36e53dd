#!/usr/bin/env bash
# Install the Debian packages the portal needs, if missing.
#   scripts/system-packages.sh run    # WeasyPrint's libraries (Pango)
#   scripts/system-packages.sh test   # also Chromium (browser tests), poppler-utils (pdftotext), npm if missing
#   scripts/system-packages.sh bench  # also wrk and Redis (bench/web.py)
set -euo pipefail
need=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig)
if [ "${1:-run}" = "test" ]; then
  need+=(chromium poppler-utils)
  # npm installs axe-core for the accessibility check; most machines have Node.js already.
  command -v npm >/dev/null || need+=(npm)
fi
if [ "${1:-run}" = "bench" ]; then
  need+=(wrk redis-server redis-tools)
fi
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]}. This machine has no apt-get: install them with its package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "Missing system packages: ${missing[*]}. Run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
