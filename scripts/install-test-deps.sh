#!/usr/bin/env bash
# Installs what the tests need beyond npm packages: Debian's Chromium (browser tests drive it with
# playwright-core; `npx playwright install` cannot download here). Idempotent; quick when present.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "convlab tests need Debian's chromium: run 'apt-get install -y chromium' as root" >&2
  exit 1
fi
SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
echo "installing Debian's chromium for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
