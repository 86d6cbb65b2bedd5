#!/usr/bin/env bash
# Installs the benchmark peers into the project's virtual environment, idempotently:
# PyTorch (run on the CPU only) and NumPy. Benchmarks only: tests and CI never need this.
#
# Why torch is installed the way it is (measured 2026-11 on the 2-core dev machine):
# - PyTorch's CPU-only wheels live on PyTorch's own package index, which these machines
#   cannot reach (they reach PyPI and Debian only).
# - PyPI's torch for Linux x86-64 is the CUDA build (a 540 MB wheel). Its libraries link
#   cudart, cuBLAS, cuDNN, NCCL, cuFile, ... at load time, so `pip install --no-deps torch`
#   plus the pure-Python dependencies does not import ("libcufile.so.0: cannot open shared
#   object file"): the nvidia-* wheels (3.0 GB installed) must come too, unused on a CPU.
# - Triton (1.0 GB installed) is the one dependency torch works without: it compiles GPU
#   kernels only; on the CPU torch.compile (Inductor) emits C++ and builds it with g++.
#   So pip resolves torch's dependency set, we drop triton, and install the rest at the
#   exact versions pip chose. Result: 4.4 GB instead of 5.4 GB installed; about 80 s with
#   an empty pip cache on a quiet machine (4 min while other builds ran). `pip check` will
#   say triton is missing: expected.
# torch is pinned so that figures recorded in docs/performance.md can be reproduced.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/.venv/bin/python"
torch_version="2.15.0"

[ -x "$python" ] || "$root/tools/setup.sh"

installed_torch=$("$python" -c 'import torch; print(torch.__version__.split("+")[0])' 2>/dev/null || true)
if [ "$installed_torch" != "$torch_version" ]; then
  echo "setup-bench: installing torch $torch_version (CPU use; CUDA libraries come with it, triton does not)"
  report=$(mktemp)
  trap 'rm -f "$report"' EXIT
  "$python" -m pip install --quiet --dry-run --report "$report" "torch==$torch_version" numpy
  mapfile -t pinned < <("$python" - "$report" <<'PY'
import json, sys
for item in json.load(open(sys.argv[1]))["install"]:
    name, version = item["metadata"]["name"], item["metadata"]["version"]
    if name.lower() != "triton":
        print(f"{name}=={version}")
PY
)
  "$python" -m pip install --quiet --no-deps "${pinned[@]}"
fi
"$python" -c 'import numpy' 2>/dev/null || "$python" -m pip install --quiet numpy

# Proves the peers work here: CPU SDPA runs, and torch.compile works or is reported unusable.
"$python" "$root/tools/bench/check_peers.py"
