#!/usr/bin/env bash
# The sanitizer runs DESIGN.md's quality bar asks for, outside CI (each
# builds its own tree beside build/release; see docs/testing.md):
#   tools/sanitize.sh asan           ASan + UBSan build (gcc), then every test
#   tools/sanitize.sh tsan           TSan build of the runtime and its tests
#                                    (the registry, dispatch, concurrent calls)
#   tools/sanitize.sh fuzz [SECONDS] libFuzzer on `full`, `linear`, then `sparse` calls
#                                    (clang, ASan + UBSan), SECONDS each (default
#                                    300); the corpora stay in build/fuzz/corpus,
#                                    so a second run resumes
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-}
case "$mode" in
  asan | tsan) bash tools/setup.sh ;;
  fuzz) bash tools/setup.sh clang libclang-rt-14-dev ;;  # libFuzzer is clang's
  *)
    echo "usage: tools/sanitize.sh asan | tsan | fuzz [SECONDS]" >&2
    exit 2
    ;;
esac

case "$mode" in
  asan)
    .venv/bin/cmake --preset asan
    .venv/bin/cmake --build --preset asan
    .venv/bin/ctest --preset asan -j2
    ;;
  tsan)
    .venv/bin/cmake --preset tsan
    .venv/bin/cmake --build --preset tsan
    build/tsan/tests/runtime/attnforge_runtime_test
    ;;
  fuzz)
    seconds=${2:-300}
    .venv/bin/cmake --preset fuzz
    .venv/bin/cmake --build --preset fuzz
    for kernel in full linear sparse; do
      # A failing (or slow) input lands in build/fuzz/artifacts/<kernel>/.
      mkdir -p "build/fuzz/corpus/$kernel" "build/fuzz/artifacts/$kernel"
      ATTNFORGE_PLUGIN_PATH=build/fuzz/lib/attnforge/plugins \
        "build/fuzz/tests/fuzz/attnforge_${kernel}_fuzzer" -max_total_time="$seconds" -max_len=64 \
        -artifact_prefix="build/fuzz/artifacts/$kernel/" -print_final_stats=1 "build/fuzz/corpus/$kernel"
    done
    ;;
esac
