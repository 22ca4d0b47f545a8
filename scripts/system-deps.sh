#!/usr/bin/env bash
# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "Chromium is missing and this user cannot install it: browser tests will be skipped." >&2
    echo "Install it with: sudo apt-get install chromium" >&2
    exit 0
  fi
else
  SUDO=""
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here: install Chromium at /usr/bin/chromium for the browser tests." >&2
  exit 0
fi
echo "Installing Debian's chromium for the browser tests…"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
