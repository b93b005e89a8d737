#!/usr/bin/env bash
# Installs what the tests need beyond npm packages: Debian's Chromium (browser tests drive it with
# playwright-core; `npx playwright install` cannot download here; its SwiftShader Vulkan driver also
# runs the WebGPU tests in Node) and the Vulkan loader libvulkan1 (dawn.node needs it). Idempotent;
# quick when present.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "convlab tests need Debian's chromium: run 'apt-get install -y chromium' as root" >&2
  exit 1
fi
SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
echo "installing Debian's chromium and libvulkan1 for the browser and WebGPU tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libvulkan1 >/dev/null
