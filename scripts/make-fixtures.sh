#!/usr/bin/env bash
# Regenerates test/fixtures/*.json with PyTorch. Installs Debian's python3-torch when it is missing.
# The tests read the committed fixtures and never need torch.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "installing Debian's python3-torch (needs root)..."
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch
fi
PYTHONHASHSEED=0 /usr/bin/python3 scripts/fixtures/generate_conv2d.py test/fixtures/conv2d-torch.json
PYTHONHASHSEED=0 /usr/bin/python3 scripts/fixtures/generate_transposed.py test/fixtures/transposed-torch.json
/usr/bin/python3 scripts/fixtures/generate_npy.py test/fixtures/npy
/usr/bin/python3 scripts/fixtures/generate_weights.py test/fixtures/weights
PYTHONHASHSEED=0 /usr/bin/python3 scripts/fixtures/generate_network.py test/fixtures/network-torch.json
mkdir -p test/fixtures/onnx && /usr/bin/python3 scripts/fixtures/generate_onnx_models.py test/fixtures/onnx
