"""Full attention, f32: attnforge against PyTorch's CPU scaled_dot_product_attention
and against this machine's FMA peak, all measured in this one run.

    .venv/bin/python tools/bench/bench_full.py [--append docs/performance.md]

For each sequence length, causal and not, attnforge (`attnforge bench full ... --json`)
and PyTorch run back to back on the same shape and thread count, so both see the same
machine state. Causal masks: attnforge aligns them bottom-right, PyTorch's is_causal
top-left; with Nq == Nk, as here, they are the same mask.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import common
import torch_peer


@dataclass
class CaseResult:
    seq: int
    causal: bool
    attnforge: common.Timing
    torch: common.Timing | None


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_common_arguments(parser)
    parser.add_argument("--seq", type=int, nargs="+", default=[1024, 4096, 16384],
                        help="sequence lengths Nq = Nk (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--no-torch", action="store_true", help="leave out the PyTorch column")
    return parser.parse_args()


def time_torch(torch, arguments: argparse.Namespace, seq: int, causal: bool) -> common.Timing:
    shape = (arguments.batch, arguments.heads, seq, arguments.head_dim)
    q, k, v = (torch.randn(shape, dtype=torch.float32) for _ in range(3))
    attention = torch.nn.functional.scaled_dot_product_attention
    # inference_mode: no autograd bookkeeping, as attnforge has none.
    with torch.inference_mode():
        return common.time_calls(lambda: attention(q, k, v, is_causal=causal),
                                 arguments.repeats, arguments.warmup)


def results_table(arguments: argparse.Namespace, results: list[CaseResult],
                  peak_gflops: float) -> str:
    non_causal_ms = {r.seq: r.attnforge.median_ms for r in results if not r.causal}
    rows = []
    for r in results:
        flops = common.attention_flops(arguments.batch, arguments.heads, r.seq, r.seq,
                                       arguments.head_dim, r.causal)
        rate = common.gflops(flops, r.attnforge.median_ms)
        torch_ms = r.torch.median_ms if r.torch else None
        rows.append([
            r.seq, "yes" if r.causal else "no",
            f"{r.attnforge.median_ms:.2f}", f"{rate:.1f}", f"{100 * rate / peak_gflops:.0f}%",
            common.ms_text(torch_ms),
            common.speed_up_text(torch_ms, r.attnforge.median_ms),
            common.ratio_text(r.attnforge.median_ms, non_causal_ms.get(r.seq)) if r.causal else "—",
        ])
    headers = ["N", "causal", "attnforge ms", "GFLOP/s", "% of FMA peak", "torch ms",
               "speed-up vs torch", "causal / non-causal"]
    return common.markdown_table(headers, rows)


def main() -> int:
    arguments = parse_arguments()
    common.require_cli(arguments)
    torch = None if arguments.no_torch else torch_peer.import_torch(arguments.threads)
    peak_before = common.measure_fma_peak(arguments.peak, arguments.threads)
    print(f"FMA peak: {peak_before['gflops']:.1f} GFLOP/s ({peak_before['isa']}, "
          f"{peak_before['threads']} threads)", file=sys.stderr)

    results, variants = [], set()
    for seq in arguments.seq:
        for causal in (False, True):
            print(f"N={seq} causal={causal} ...", file=sys.stderr, flush=True)
            attnforge, variant = common.time_attnforge(arguments, "full", seq, ["--causal"] if causal else [])
            variants.add(variant)
            torch_timing = time_torch(torch, arguments, seq, causal) if torch else None
            results.append(CaseResult(seq, causal, attnforge, torch_timing))

    peak_after = common.measure_fma_peak(arguments.peak, arguments.threads)
    peak = common.best_fma_peak([peak_before, peak_after])
    table = results_table(arguments, results, peak["gflops"])
    print(table)
    if arguments.append:
        notes = [f"Shape: f32, B={arguments.batch} H={arguments.heads} D={arguments.head_dim}, "
                 f"Nq = Nk = N; median of {arguments.repeats} calls after {arguments.warmup} "
                 f"warm-up; {arguments.threads} threads for every peer",
                 f"FMA peak (same run, the higher of before and after the cases: "
                 f"{peak_before['gflops']:.1f}, {peak_after['gflops']:.1f}): "
                 f"{peak['gflops']:.1f} GFLOP/s, {peak['isa']}, {peak['threads']} threads "
                 "(`attnforge-peak --json`)",
                 f"attnforge variant: {', '.join(f'`{v}`' for v in sorted(variants))}"]
        if torch:
            notes.append(f"Peer: {torch_peer.describe_torch(torch)}, "
                         "`scaled_dot_product_attention`")
        header = common.run_header("Full attention", notes)
        common.append_report(arguments.append, header, table)
    return 0


if __name__ == "__main__":
    sys.exit(common.run_main(main))
