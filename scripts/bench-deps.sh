#!/usr/bin/env bash
# Debian's wrk is the load generator of bench/bench_order_page.py (a Python client would be the bottleneck).
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "wrk is missing and this user cannot install it. Install it with: sudo apt-get install wrk" >&2
    exit 1
  fi
else
  SUDO=""
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here: install wrk for the order page benchmark." >&2
  exit 1
fi
echo "Installing Debian's wrk for the benchmarks…"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
