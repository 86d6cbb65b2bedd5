#!/usr/bin/env bash
# The README's first command: install everything, build the release preset,
# then run the main job — every kernel loaded by name through the registry,
# run, verified against the double-precision reference and timed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/setup.sh
.venv/bin/cmake --preset release
.venv/bin/cmake --build --preset release
build/release/tools/cli/attnforge list
build/release/tools/cli/attnforge demo
