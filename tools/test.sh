#!/usr/bin/env bash
# The README's second command (and CI's): install and build as the first does,
# then run every test through ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
cd "$root"
.venv/bin/ctest --preset release
