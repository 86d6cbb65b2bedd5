#!/usr/bin/env bash
# The README's first command: install everything, build the release preset,
# then run the main job — every kernel loaded by name through the registry,
# run, verified against the double-precision reference and timed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh"
"$root/build/release/tools/cli/attnforge" list
"$root/build/release/tools/cli/attnforge" demo
