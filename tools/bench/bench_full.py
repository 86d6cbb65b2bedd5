"""Full attention, f32: attnforge against PyTorch's CPU scaled_dot_product_attention
and against this machine's FMA peak, all measured in this one run.

    .venv/bin/python tools/bench/bench_full.py [--append docs/performance.md]

For each sequence length, attnforge (`attnforge bench full ... --json`) and PyTorch,
causal and not, take turns on the same shape and thread count for --rounds rounds, so
that the ratios (speed-up, causal / non-causal) are taken within a round, where all
four saw the same machine state. Causal masks: attnforge aligns them bottom-right, PyTorch's is_causal
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
    attnforge: common.Rounds
    torch: common.Rounds | None
    non_causal: common.Rounds  # attnforge's non-causal rounds of the same N


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
    rows = []
    for r in results:
        flops = common.attention_flops(arguments.batch, arguments.heads, r.seq, r.seq,
                                       arguments.head_dim, r.causal)
        rate = common.gflops(flops, r.attnforge.median_ms)
        rows.append([
            r.seq, "yes" if r.causal else "no",
            common.ms_text(r.attnforge), f"{rate:.1f}", f"{100 * rate / peak_gflops:.0f}%",
            common.ms_text(r.torch), common.speed_up_text(r.torch, r.attnforge),
            common.paired_ratio_text(r.attnforge, r.non_causal) if r.causal else "—",
        ])
    headers = ["N", "causal", "attnforge ms", "GFLOP/s", "% of FMA peak", "torch ms",
               "speed-up vs torch", "causal / non-causal"]
    return common.markdown_table(headers, rows)


def measure_length(torch, arguments: argparse.Namespace, seq: int, variants: set[str]
                   ) -> list[CaseResult]:
    """attnforge and PyTorch, non-causal and causal, in interleaved rounds at one N."""
    def attnforge(causal: bool):
        def measure() -> common.Timing:
            timing, variant = common.time_attnforge(arguments, "full", seq, ["--causal"] if causal else [])
            variants.add(variant)
            return timing
        return measure

    def peer(causal: bool):
        return lambda: time_torch(torch, arguments, seq, causal) if torch else None

    rounds = common.measure_in_rounds(arguments.rounds, {
        "attnforge": attnforge(False), "torch": peer(False),
        "attnforge causal": attnforge(True), "torch causal": peer(True)})
    return [CaseResult(seq, False, rounds["attnforge"], rounds["torch"], rounds["attnforge"]),
            CaseResult(seq, True, rounds["attnforge causal"], rounds["torch causal"], rounds["attnforge"])]


def main() -> int:
    arguments = parse_arguments()
    common.require_cli(arguments)
    torch = None if arguments.no_torch else torch_peer.import_torch(arguments.threads)
    fma_peak = common.SameRunLimit(common.FMA_PEAK, arguments.peak, arguments.threads)
    fma_peak.measure()

    results, variants = [], set()
    for seq in arguments.seq:
        print(f"N={seq} ...", file=sys.stderr, flush=True)
        results += measure_length(torch, arguments, seq, variants)

    fma_peak.measure()
    peak = fma_peak.best()
    table = results_table(arguments, results, peak["gflops"])
    print(table)
    if arguments.append:
        notes = [f"Shape: f32, B={arguments.batch} H={arguments.heads} D={arguments.head_dim}, "
                 f"Nq = Nk = N; {common.timing_note(arguments)}",
                 fma_peak.note(peak),
                 f"attnforge variant: {', '.join(f'`{v}`' for v in sorted(variants))}"]
        if torch:
            notes.append(f"Peer: {torch_peer.describe_torch(torch)}, "
                         "`scaled_dot_product_attention`")
        header = common.run_header("Full attention", notes)
        common.append_report(arguments.append, header, table)
    return 0


if __name__ == "__main__":
    sys.exit(common.run_main(main))
