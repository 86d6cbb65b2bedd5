"""Checks that the benchmark peers work on this machine (tools/setup-bench.sh runs it):
NumPy imports, PyTorch's CPU scaled_dot_product_attention agrees with a plain
softmax(QKᵀ)V (causal and not), and torch.compile works or is reported unusable.
Exit code 1 when a peer the benchmarks need is broken."""

from __future__ import annotations

import sys

import common
import torch_peer


def sdpa_error(torch, causal: bool) -> float:
    """Largest |SDPA − explicit softmax(QKᵀ/√D + mask)V| on a small random problem."""
    generator = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, 2, 37, 16, generator=generator) for _ in range(3))
    scores = q @ k.transpose(-1, -2) / 16 ** 0.5
    if causal:
        allowed = torch.ones(37, 37, dtype=torch.bool).tril()
        scores = scores.masked_fill(~allowed, float("-inf"))
    expected = scores.softmax(dim=-1) @ v
    got = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
    return (got - expected).abs().max().item()


def main() -> int:
    import numpy

    torch = torch_peer.import_torch(common.usable_cpus())
    print(f"numpy {numpy.__version__}; {torch_peer.describe_torch(torch)}")
    healthy = True
    for causal in (False, True):
        error = sdpa_error(torch, causal)
        ok = error < 1e-5
        healthy &= ok
        print(f"scaled_dot_product_attention on CPU, causal={causal}: max error {error:.1e} "
              f"{'ok' if ok else 'WRONG'}")

    def sample(x):
        return (x.softmax(dim=-1) * 2).sum(dim=0)

    compiled, reason = torch_peer.compile_or_reason(torch, sample, torch.randn(8, 8))
    print("torch.compile: " + ("works" if compiled else f"unavailable ({reason})"))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(common.run_main(main))
