#!/usr/bin/env bash
# Installs everything attnforge needs to build and test, idempotently:
# Debian's development packages, then the project's own virtual environment
# (.venv) with Halide 21 (its wheel carries the C++ SDK and CMake package),
# CMake >= 3.28 and Ninja. Safe to run again: each step checks first.
# Extra Debian packages a caller needs (tools/sanitize.sh: clang) may be
# named as arguments.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"

apt_packages=(build-essential python3-venv libfmt-dev libgtest-dev libgmock-dev
              nlohmann-json3-dev libcli11-dev libbenchmark-dev llvm-14-tools "$@")

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv"
  python3 -m venv "$venv"
fi
# Pinned: the generators and CMake package are written against Halide 21.0.0.
"$venv/bin/python" -m pip install -q "halide==21.0.0" "cmake>=3.28,<4.5" "ninja" "numpy"
echo "setup: done ($("$venv/bin/python" -m pip show halide 2>/dev/null | grep ^Version)"
