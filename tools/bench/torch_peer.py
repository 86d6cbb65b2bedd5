"""PyTorch on the CPU as a benchmark peer: importing it with a useful message,
giving it the same threads as attnforge, and torch.compile where it works.

Kept apart from common.py so that benchmarks without a PyTorch column (peak
memory) run in an environment without torch.
"""

from __future__ import annotations

import logging
import shutil
from typing import Callable

from common import BenchmarkError, counted

SETUP_HINT = "run tools/setup-bench.sh, then use .venv/bin/python"


def import_torch(threads: int):
    """torch, set to `threads` intra-op threads (the peers must share one thread count)."""
    try:
        import torch
    except ImportError as error:
        raise BenchmarkError(f"PyTorch is not importable here ({error}): {SETUP_HINT}") from None
    torch.set_num_threads(threads)
    return torch


def describe_torch(torch) -> str:
    """e.g. 'torch 2.15.0+cu132, CPU capability AVX512, 2 threads'."""
    return (f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}, "
            f"{counted(torch.get_num_threads(), 'thread')}")


def compile_or_reason(torch, function: Callable, *sample_inputs) -> tuple[Callable | None, str]:
    """(compiled function, "") when torch.compile builds and runs `function` on this machine,
    else (None, why). Inductor's CPU back end writes C++ and needs a C++ compiler."""
    if not (shutil.which("g++") or shutil.which("c++")):
        return None, "no C++ compiler on PATH (Inductor needs one)"
    # Warnings about the GPU toolchain (no triton, no CUDA runtime) say nothing about the CPU.
    for logger in ("torch.utils.flop_counter", "torch.utils.cpp_extension"):
        logging.getLogger(logger).setLevel(logging.ERROR)
    compiled = torch.compile(function)
    try:
        compiled(*sample_inputs)  # compiles now, so timing never includes the build
    except Exception as error:  # any failure means "not available here"; say which
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return None, f"{type(error).__name__}: {first_line}"[:200]
    return compiled, ""
