"""Sparse attention, f32: attnforge `sparse` against attnforge `full` on the same shape
and PyTorch's CPU scaled_dot_product_attention with the equivalent dense boolean mask,
all measured in this one run, taking turns for --rounds rounds (ratios round by round).

    .venv/bin/python tools/bench/bench_sparse.py [--append docs/performance.md]

Patterns (non-causal, Nq = Nk = N): local(w) keeps |i − j| ≤ w (window_left =
window_right = w); local(w)+stride(s) also keeps (i − j) ≡ 0 (mod s), the Sparse
Transformer's "local + dilated" pattern. Density is the kept fraction of 64 × 64 blocks
(those holding at least one allowed pair); the column "÷ (density × full)" is sparse time
over density × full time, 1.0 when skipping blocks costs nothing and each kept block costs
what a block of `full` does. With a stride, the kernel visits only the local blocks and
takes the strided pairs row by row, stride class by stride class (docs/sparse.md), so
that column falls below 1 there. "% of FMA peak" is the sparse kernel's rate over the FMA
peak measured in this run, counting the work it does as the CLI does: 4·D FLOPs per pair of
every block it visits (density × 4·B·H·N²·D for local(w)), plus, with a stride, the pairs
its row path takes (about 4·B·H·N²·D / s) instead of the strided blocks counted in density.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import common
import torch_peer

BLOCK = 64  # the sparse plugin's layout block size


@dataclass
class Pattern:
    name: str
    window: int
    stride: int  # 0: none

    def kernel_options(self) -> list[str]:
        options = ["--window-left", str(self.window), "--window-right", str(self.window)]
        return options + (["--stride", str(self.stride)] if self.stride else [])


@dataclass
class CaseResult:
    seq: int
    pattern: Pattern
    density: float
    sparse: common.Rounds
    sparse_flops: float  # the work of one sparse call, as the CLI counts it
    full: common.Rounds
    torch: common.Rounds | None


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_common_arguments(parser)
    parser.add_argument("--seq", type=int, nargs="+", default=[4096, 16384],
                        help="sequence lengths Nq = Nk (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--window", type=int, default=256, help="local window w (default: %(default)s)")
    parser.add_argument("--stride", type=int, default=256, help="stride s (default: %(default)s)")
    parser.add_argument("--no-torch", action="store_true", help="leave out the PyTorch column")
    return parser.parse_args()


def dense_mask(torch, seq: int, pattern: Pattern):
    """[N, N] bool, True where query i may attend to key j (docs/sparse.md)."""
    positions = torch.arange(seq)
    distance = positions[:, None] - positions[None, :]
    mask = distance.abs() <= pattern.window
    if pattern.stride:
        mask |= distance.remainder(pattern.stride) == 0
    return mask


def block_density(torch, mask) -> float:
    seq = mask.shape[0]
    blocks = -(-seq // BLOCK)
    padded = torch.zeros(blocks * BLOCK, blocks * BLOCK, dtype=torch.bool)
    padded[:seq, :seq] = mask
    visited = padded.view(blocks, BLOCK, blocks, BLOCK).any(dim=3).any(dim=1)
    return visited.float().mean().item()


def time_torch(torch, arguments: argparse.Namespace, seq: int, mask) -> common.Timing:
    shape = (arguments.batch, arguments.heads, seq, arguments.head_dim)
    q, k, v = (torch.randn(shape, dtype=torch.float32) for _ in range(3))
    attention = torch.nn.functional.scaled_dot_product_attention
    with torch.inference_mode():
        return common.time_calls(lambda: attention(q, k, v, attn_mask=mask),
                                 arguments.repeats, arguments.warmup)


def results_table(results: list[CaseResult], peak_gflops: float) -> str:
    rows = []
    for r in results:
        rate = common.gflops(r.sparse_flops, r.sparse.median_ms)
        rows.append([r.seq, r.pattern.name, f"{r.density:.3f}", common.ms_text(r.sparse),
                     f"{100 * rate / peak_gflops:.0f}%",
                     common.ms_text(r.full), common.paired_ratio_text(r.sparse, r.full, scale=1 / r.density),
                     common.ms_text(r.torch), common.speed_up_text(r.torch, r.sparse)])
    headers = ["N", "pattern", "density", "sparse ms", "% of FMA peak", "full ms",
               "÷ (density × full)", "torch masked ms", "speed-up vs torch"]
    return common.markdown_table(headers, rows)


def main() -> int:
    arguments = parse_arguments()
    common.require_cli(arguments)
    torch = torch_peer.import_torch(arguments.threads)  # also builds the masks and densities
    patterns = [Pattern(f"local({arguments.window})+stride({arguments.stride})", arguments.window,
                        arguments.stride),
                Pattern(f"local({arguments.window})", arguments.window, 0)]
    fma_peak = common.SameRunLimit(common.FMA_PEAK, arguments.peak, arguments.threads)
    fma_peak.measure()
    results, variants, work_flops = [], set(), {}

    def attnforge(kernel: str, seq: int, options: list[str], work_name: tuple[int, str] | None = None):
        """Times one case; with `work_name`, also keeps the FLOPs the CLI counts for it."""
        def measure() -> common.Timing:
            result = common.bench_attnforge(arguments, kernel, seq, options)
            variants.add(result["variant"])
            if work_name:
                work_flops[work_name] = result["flops"]
            return common.attnforge_timing(result)
        return measure

    for seq in arguments.seq:
        print(f"N={seq} ...", file=sys.stderr, flush=True)
        masks = {pattern.name: dense_mask(torch, seq, pattern) for pattern in patterns}
        measurements = {"full": attnforge("full", seq, [])}
        for pattern in patterns:
            measurements[pattern.name] = attnforge("sparse", seq, pattern.kernel_options(), (seq, pattern.name))
            measurements["torch " + pattern.name] = (
                (lambda mask=masks[pattern.name]: time_torch(torch, arguments, seq, mask))
                if not arguments.no_torch else (lambda: None))
        rounds = common.measure_in_rounds(arguments.rounds, measurements)
        for pattern in patterns:
            results.append(CaseResult(seq, pattern, block_density(torch, masks[pattern.name]),
                                      rounds[pattern.name], work_flops[seq, pattern.name], rounds["full"],
                                      rounds["torch " + pattern.name]))
        del masks

    fma_peak.measure()
    peak = fma_peak.best()
    table = results_table(results, peak["gflops"])
    print(table)
    if arguments.append:
        notes = [f"Shape: f32, B={arguments.batch} H={arguments.heads} D={arguments.head_dim}, "
                 f"Nq = Nk = N, non-causal; {common.timing_note(arguments)}",
                 f"Density: kept fraction of {BLOCK} × {BLOCK} blocks; "
                 "÷ (density × full) = sparse ms / (density × full ms)",
                 fma_peak.note(peak),
                 "% of FMA peak: the sparse kernel's work as `attnforge bench` counts it (4·D FLOPs "
                 "per pair of every visited block, plus the row path's strided pairs) over its time",
                 f"attnforge variants: {', '.join(f'`{v}`' for v in sorted(variants))}"]
        if not arguments.no_torch:
            notes.append(f"Peer: {torch_peer.describe_torch(torch)}, `scaled_dot_product_attention` "
                         "with the dense boolean `attn_mask` [N, N]")
        common.append_report(arguments.append, common.run_header("Sparse attention", notes), table)
    return 0


if __name__ == "__main__":
    sys.exit(common.run_main(main))
