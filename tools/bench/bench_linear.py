"""Linear attention, f32: attnforge against the reference PyTorch code
(lucidrains' linear-attention-transformer), eager and torch.compile'd, in this one run.

    .venv/bin/python tools/bench/bench_linear.py [--append docs/performance.md]

Non-causal: both sides compute the same function, the softmax feature map
(q over features, k over the sequence, out = φ(q)(φ(k)ᵀV)). Causal: attnforge runs
elu1 with exact chunked prefix sums; the peer is lucidrains' causal_linear_attn
(exp(k), cumulative sums over buckets of 64): the same cost shape, not the same
function (its queries skip their own bucket), so only the times compare.
Effective GB/s counts the minimum bytes (Q, K, V read once, O written once).
"% of roofline" is the least time this machine needs, max(FLOPs / FMA peak, minimum bytes /
memory read bandwidth), both limits measured by attnforge-peak in this run, over attnforge's
time. The bandwidth is DRAM's: a memory-bound case whose tensors fit in the last-level cache
(at N = 4096 they are 64 MiB) could go past 100%.
Non-causal cases also time PyTorch's two matrix products alone, φ(K)ᵀV then φ(Q)·context
by torch.matmul on φ(Q) and φ(K) computed beforehand: the whole call's FLOPs with none of its
other work, a floor for any implementation built on PyTorch's matrix products.
attnforge and the peers take turns on each case for --rounds rounds; the speed-ups are
taken round by round. With two causal lengths or more it also prints the causal growth,
T(N) / (N/N0 · T(N0)) against the shortest length N0 (1.00: exactly linear).
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
    eager: common.Rounds | None
    compiled: common.Rounds | None
    matmuls: common.Rounds | None


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_common_arguments(parser)
    parser.add_argument("--seq", type=int, nargs="+", default=[4096, 16384, 65536],
                        help="sequence lengths Nq = Nk (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--no-torch", action="store_true", help="leave out the PyTorch columns")
    return parser.parse_args()


def reference_functions(torch):
    """lucidrains' linear_attn and causal_linear_attn (bucket 64), as published."""
    def linear_attention(q, k, v):
        q = q.softmax(dim=-1)
        k = k.softmax(dim=-2)
        context = torch.einsum("bhnd,bhne->bhde", k, v)
        return torch.einsum("bhnd,bhde->bhne", q, context)

    def causal_linear_attention(q, k, v, bucket_size=64, eps=1e-3):
        b, h, n, e = q.shape
        q = q.softmax(dim=-1) * e ** -0.5
        k = torch.exp(k)
        bucket = lambda x: x.reshape(*x.shape[:-2], -1, bucket_size, x.shape[-1])
        b_q, b_k, b_v = map(bucket, (q, k, v))
        b_k_cumsum = b_k.sum(dim=-2).cumsum(dim=-2)
        context = torch.einsum("bhund,bhune->bhude", b_k, b_v).cumsum(dim=-3)
        context = torch.nn.functional.pad(context, (0, 0, 0, 0, 1, 0))[:, :, :-1]
        b_k_cumsum = torch.nn.functional.pad(b_k_cumsum, (0, 0, 1, 0))[:, :, :-1]
        d_inv = 1.0 / torch.einsum("bhud,bhund->bhun", b_k_cumsum, b_q).clamp(min=eps)
        out = torch.einsum("bhund,bhude,bhun->bhune", b_q, context, d_inv)
        return out.reshape(b, h, n, -1)

    return linear_attention, causal_linear_attention


def torch_peers(torch, arguments, seq: int, causal: bool, compiled_cache: dict) -> dict:
    """Measurements of the reference code on one case's fresh inputs: "eager", "compiled"
    (None where torch.compile does not work here, with a warning why) and, non-causal only,
    "matmuls": its two matrix products alone."""
    shape = (arguments.batch, arguments.heads, seq, arguments.head_dim)
    q, k, v = (torch.randn(shape, dtype=torch.float32) for _ in range(3))
    function = reference_functions(torch)[1 if causal else 0]

    def timed(callable_, *inputs):
        def measure() -> common.Timing:
            with torch.inference_mode():
                return common.time_calls(lambda: callable_(*inputs), arguments.repeats, arguments.warmup)
        return measure

    peers = {"eager": timed(function, q, k, v), "compiled": None, "matmuls": None}
    if causal not in compiled_cache:
        with torch.inference_mode():
            compiled_cache[causal] = torch_peer.compile_or_reason(torch, function, q, k, v)
    compiled_function, reason = compiled_cache[causal]
    if compiled_function is None:
        common.warn(f"torch.compile unavailable: {reason}")
    else:
        peers["compiled"] = timed(compiled_function, q, k, v)
    if not causal:
        # Into tensors allocated once, as attnforge's out is: a fresh 16 MB result per call
        # would add its page faults to the products' time.
        def matmuls(features_q, features_k_transposed, v, context, out):
            torch.matmul(features_k_transposed, v, out=context)
            torch.matmul(features_q, context, out=out)
        with torch.inference_mode():
            features_k_transposed = k.softmax(dim=-2).transpose(-1, -2).contiguous()
            context = torch.empty(*shape[:2], arguments.head_dim, arguments.head_dim)
            peers["matmuls"] = timed(matmuls, q.softmax(dim=-1), features_k_transposed, v, context,
                                     torch.empty_like(q))
    return peers


def case_flops(arguments: argparse.Namespace, seq: int) -> float:
    """φ(K)ᵀV and φ(Q)·context: 2·D·Dv FLOPs per key and per query."""
    return 2.0 * arguments.batch * arguments.heads * 2 * seq * arguments.head_dim ** 2


def case_bytes(arguments: argparse.Namespace, seq: int) -> float:
    """The minimum traffic: Q, K, V read once, O written once, 4 bytes an element."""
    return 4 * 4 * arguments.batch * arguments.heads * seq * arguments.head_dim


def results_table(arguments: argparse.Namespace, results: list[CaseResult], peak_gflops: float,
                  bandwidth_gbps: float) -> str:
    rows = []
    for r in results:
        flops, data_bytes = case_flops(arguments, r.seq), case_bytes(arguments, r.seq)
        ms = r.attnforge.median_ms
        roofline_ms = common.roofline_ms(flops, data_bytes, peak_gflops, bandwidth_gbps)
        rows.append([r.seq, "yes" if r.causal else "no", common.ms_text(r.attnforge),
                     f"{data_bytes / ms / 1e6:.1f}", f"{common.gflops(flops, ms):.1f}",
                     f"{100 * roofline_ms / ms:.0f}%",
                     common.ms_text(r.eager), common.speed_up_text(r.eager, r.attnforge),
                     common.ms_text(r.compiled), common.speed_up_text(r.compiled, r.attnforge),
                     common.ms_text(r.matmuls), common.speed_up_text(r.matmuls, r.attnforge)])
    headers = ["N", "causal", "attnforge ms", "GB/s", "GFLOP/s", "% of roofline", "torch eager ms",
               "speed-up", "torch.compile ms", "speed-up", "torch matmuls only ms", "speed-up"]
    return common.markdown_table(headers, rows)


def roofline_note(arguments: argparse.Namespace, peak_gflops: float, bandwidth_gbps: float) -> str:
    """Which limit binds: the work's FLOPs per byte (D/4 here, whatever N) against the
    machine's FLOPs per byte of bandwidth."""
    intensity = case_flops(arguments, 1) / case_bytes(arguments, 1)
    balance = peak_gflops / bandwidth_gbps
    bound = "the FMA peak" if intensity > balance else "the memory bandwidth"
    return (f"% of roofline: max(FLOPs / FMA peak, minimum bytes / memory read bandwidth) over "
            f"attnforge's time; {intensity:.1f} FLOPs per byte against this machine's "
            f"{balance:.1f}, so {bound} bounds every case")


def causal_growth_note(results: list[CaseResult]) -> str | None:
    """The issue's linearity figure: each causal time over the shortest causal case's time
    scaled by length, T(N) / (N/N0 · T(N0)); 1.00 is exactly linear. The cases run one after
    another, so a change in the host's load between them moves it."""
    causal = sorted((r for r in results if r.causal), key=lambda r: r.seq)
    if len(causal) < 2:
        return None
    base = causal[0]
    ratios = ", ".join(
        f"N={r.seq} {r.attnforge.median_ms / (r.seq / base.seq * base.attnforge.median_ms):.2f}"
        for r in causal[1:])
    return f"Causal growth, T(N) / (N/{base.seq} · T({base.seq})), 1.00 being linear: {ratios}"


def main() -> int:
    arguments = parse_arguments()
    common.require_cli(arguments)
    torch = None if arguments.no_torch else torch_peer.import_torch(arguments.threads)
    limits = [common.SameRunLimit(limit, arguments.peak, arguments.threads)
              for limit in (common.FMA_PEAK, common.MEMORY_BANDWIDTH)]
    for limit in limits:
        limit.measure()
    results, variants, compiled_cache = [], set(), {}
    for seq in arguments.seq:
        for causal in (False, True):
            print(f"N={seq} causal={causal} ...", file=sys.stderr, flush=True)
            # The reference code's causal form is elu+1-based; its non-causal form is softmax.
            options = ["--feature-map", "elu1", "--causal"] if causal else ["--feature-map", "softmax"]

            def attnforge() -> common.Timing:
                timing, variant = common.time_attnforge(arguments, "linear", seq, options)
                variants.add(variant)
                return timing

            peers = torch_peers(torch, arguments, seq, causal, compiled_cache) if torch else {}
            rounds = common.measure_in_rounds(arguments.rounds, {
                "attnforge": attnforge,
                **{name: peers.get(name) or (lambda: None) for name in ("eager", "compiled", "matmuls")}})
            results.append(CaseResult(seq, causal, rounds["attnforge"], rounds["eager"], rounds["compiled"],
                                      rounds["matmuls"]))
    for limit in limits:
        limit.measure()
    fma_peak, bandwidth = (limit.best() for limit in limits)
    peak_gflops, bandwidth_gbps = fma_peak[common.FMA_PEAK.key], bandwidth[common.MEMORY_BANDWIDTH.key]
    table = results_table(arguments, results, peak_gflops, bandwidth_gbps)
    growth = causal_growth_note(results)
    print(table)
    if growth:
        print(growth)
    if arguments.append:
        notes = [f"Shape: f32, B={arguments.batch} H={arguments.heads} D=Dv={arguments.head_dim}, Nq = Nk = N; "
                 f"{common.timing_note(arguments)}",
                 *(limit.note(best) for limit, best in zip(limits, (fma_peak, bandwidth))),
                 roofline_note(arguments, peak_gflops, bandwidth_gbps),
                 "attnforge: softmax feature map non-causal, elu1 causal; "
                 f"variant: {', '.join(f'`{v}`' for v in sorted(variants))}"]
        if torch:
            notes.append(f"Peer: {torch_peer.describe_torch(torch)}, lucidrains linear_attn / causal_linear_attn; "
                         "torch matmuls only (non-causal): φ(K)ᵀV and φ(Q)·context by torch.matmul on φ "
                         "computed beforehand, the call's FLOPs without its softmaxes")
        if growth:
            notes.append(growth)
        common.append_report(arguments.append, common.run_header("Linear attention", notes), table)
    return 0


if __name__ == "__main__":
    sys.exit(common.run_main(main))
