#!/usr/bin/env bash
# The README's second command (and CI's): make sure the dependencies are
# there, build the release preset, and run every test through ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/setup.sh
.venv/bin/cmake --preset release
.venv/bin/cmake --build --preset release
.venv/bin/ctest --preset release
