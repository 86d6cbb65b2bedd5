"""Peak resident memory of `attnforge run` against the bytes it must hold: full attention
never materialises the N×N score matrix, so the peak stays O(N), at most the inputs and
output plus a fixed allowance (issue 2: 64 MiB) at N = 32768.

    .venv/bin/python tools/bench/peak_memory.py [--append docs/performance.md]

Each size runs in a fresh process whose peak RSS comes from the kernel's own
accounting (wait4's ru_maxrss), so nothing else in this script is counted. Several
sizes are run so that the growth with N is visible, not only the last figure.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile

import common

MIB = 1 << 20


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_common_arguments(parser, default_repeats=1, default_warmup=0, measures_peak=False)
    parser.add_argument("--kernel", default="full")
    parser.add_argument("--seq", type=int, nargs="+", default=[8192, 16384, 32768],
                        help="sequence lengths Nq = Nk (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--causal", action="store_true")
    parser.add_argument("--allowance-mib", type=float, default=64,
                        help="allowed peak beyond inputs and output (default: %(default)s)")
    return parser.parse_args()


def peak_rss_bytes(command: list[str], threads: int) -> int:
    """Runs `command` to completion and returns its peak resident set size in bytes."""
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                 env=common.tool_environment(threads))
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if child.returncode != 0:
            output.seek(0)
            raise common.BenchmarkError(
                f"`{shlex.join(command)}` exited with {child.returncode}:\n"
                f"{output.read().decode(errors='replace').strip()}")
    return usage.ru_maxrss * 1024  # Linux reports KiB


def tensor_bytes(arguments: argparse.Namespace, seq: int) -> int:
    """Q, K, V and O in f32: four [B, H, N, D] tensors."""
    return 4 * arguments.batch * arguments.heads * seq * arguments.head_dim * 4


def main() -> int:
    arguments = parse_arguments()
    common.require_cli(arguments)
    rows = []
    for seq in arguments.seq:
        command = [str(arguments.cli), "run", arguments.kernel, "--batch", str(arguments.batch),
                   "--heads", str(arguments.heads), "--seq", str(seq),
                   "--head-dim", str(arguments.head_dim), "--repeats", str(arguments.repeats),
                   "--warmup", str(arguments.warmup)] + (["--causal"] if arguments.causal else [])
        print(f"N={seq} ...", file=sys.stderr, flush=True)
        peak = peak_rss_bytes(command, arguments.threads)
        tensors = tensor_bytes(arguments, seq)
        beyond = peak - tensors
        within = beyond <= arguments.allowance_mib * MIB
        rows.append([seq, f"{tensors / MIB:.0f}", f"{peak / MIB:.0f}", f"{beyond / MIB:.0f}",
                     f"{arguments.allowance_mib:.0f}", "yes" if within else "NO"])

    headers = ["N", "inputs + output MiB", "peak RSS MiB", "beyond tensors MiB",
               "allowance MiB", "within"]
    table = common.markdown_table(headers, rows)
    print(table)
    if arguments.append:
        notes = [f"Shape: {arguments.kernel}, f32, B={arguments.batch} H={arguments.heads} "
                 f"D={arguments.head_dim}, Nq = Nk = N, causal={arguments.causal}; "
                 f"peak RSS of one `attnforge run` process per row (wait4 ru_maxrss)"]
        common.append_report(arguments.append, common.run_header("Peak memory", notes), table)
    return 0


if __name__ == "__main__":
    sys.exit(common.run_main(main))
