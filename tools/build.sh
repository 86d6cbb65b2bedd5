#!/usr/bin/env bash
# What both README commands start with: make sure the dependencies are there
# (tools/setup.sh, idempotent), then configure and build the release preset.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/setup.sh
.venv/bin/cmake --preset release
.venv/bin/cmake --build --preset release
